import { describe, expect, it } from 'vitest';
import { SUPPORT_HEADING } from '../../tools/demo-origin/article-page';
import { ARTICLES, type DemoArticle } from '../../tools/demo-origin/articles';
import { benchParagraph } from '../../tools/demo-origin/bench';
import { escapeHtml } from '../../tools/demo-origin/html';
import { AVAILABLE, get, hydrationData, scan } from './demo-origin-support';

// The demo news site (tools/demo-origin) as the paywall will see it: the page structure its
// HTMLRewriter selectors rely on, and every place a real site leaks the full text (JSON-LD,
// hydration data, AMP, print, RSS), so the paywall's tests can prove none of it gets through.

const HTML = 'text/html; charset=utf-8';

function expectPage(response: Response, type = HTML): void {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(type);
  expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  expect(response.headers.get('set-cookie')).toBeNull();
}

const escapedBody = (article: DemoArticle) => article.paragraphs.map(escapeHtml);

describe.skipIf(!AVAILABLE)('demo origin', () => {
  it('has enough articles to demonstrate metered, premium and free rules', () => {
    expect(ARTICLES.length).toBeGreaterThanOrEqual(6);
    const sections = ARTICLES.map((a) => a.section);
    expect(sections).toContain('investigations');
    expect(sections).toContain('notices');
    expect(new Set(ARTICLES.map((a) => a.path)).size).toBe(ARTICLES.length);
    for (const article of ARTICLES) {
      expect(article.path).toBe(`/2026/11/${article.slug}`);
      expect(article.paragraphs.length).toBeGreaterThanOrEqual(6);
      expect(article.paragraphs.length).toBeLessThanOrEqual(10);
    }
    // Paragraph 3 is what leak tests look for; it must be unique across the site.
    const thirds = ARTICLES.map((a) => a.paragraphs[2]);
    expect(new Set(thirds).size).toBe(ARTICLES.length);
  });

  it('lists every article on the index, which is not an article page', async () => {
    const response = await get('/');
    expectPage(response);
    const html = await response.text();
    for (const article of ARTICLES) {
      expect(html).toContain(`<a href="${article.path}">${escapeHtml(article.headline)}</a>`);
      expect(html).toContain(`id="section-${article.section}"`);
    }
    expect((await scan(html)).article).toBeNull();
  });

  it.each(ARTICLES.map((a) => [a.path, a] as const))(
    'serves %s with the documented structure',
    async (_, article) => {
      const response = await get(article.path);
      expectPage(response);
      const page = await scan(await response.text());
      expect(page.article).toEqual({ id: article.path.slice(1), section: article.section });
      expect(page.h1).toBe(escapeHtml(article.headline));
      expect(page.dateline).toMatch(
        new RegExp(`^${article.dateline.toUpperCase()}: \\d{1,2} November 2026$`),
      );
      expect(page.byline).toBe(`By ${escapeHtml(article.byline)}`);
      expect(page.paragraphs).toEqual(escapedBody(article));
      expect(page.supportHeading).toBe(SUPPORT_HEADING);
      expect(SUPPORT_HEADING).toBe('Be Part of Quality Journalism');
      expect(page.commentsHeading).toBe('Leave a Reply');
      expect(page.links.amphtml).toBe(`/amp${article.path}`);
    },
  );

  it.each(ARTICLES.map((a) => [a.path, a] as const))(
    'leaks the full text of %s in JSON-LD and hydration data',
    async (_, article) => {
      const page = await scan(await (await get(article.path)).text());
      expect(page.jsonLd).toHaveLength(1);
      const ld = JSON.parse(page.jsonLd[0] ?? '');
      expect(ld).toMatchObject({
        '@type': 'NewsArticle',
        headline: article.headline,
        datePublished: article.published,
        author: { name: article.byline },
        articleSection: article.section,
        articleBody: article.paragraphs.join('\n\n'),
      });
      expect(page.scripts).toHaveLength(1);
      const data = hydrationData(page.scripts[0] ?? '');
      expect(data.id).toBe(article.path.slice(1));
      expect(data.body).toEqual(article.paragraphs);
    },
  );

  it('serves AMP and print versions with the full text in the same article structure', async () => {
    for (const article of ARTICLES) {
      for (const prefix of ['/amp', '/print']) {
        const response = await get(`${prefix}${article.path}`);
        expectPage(response);
        const page = await scan(await response.text());
        expect(page.article).toEqual({ id: article.path.slice(1), section: article.section });
        expect(page.paragraphs).toEqual(escapedBody(article));
        expect(page.links.canonical).toBe(article.path);
      }
    }
  });

  it('publishes every article in full in the RSS feed', async () => {
    const response = await get('/feed.xml');
    expectPage(response, 'application/rss+xml; charset=utf-8');
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    const items = xml.match(/<item>[\s\S]*?<\/item>/g) ?? [];
    expect(items).toHaveLength(ARTICLES.length);
    for (const article of ARTICLES) {
      const item = items.find((i) => i.includes(`${article.path}</link>`)) ?? '';
      const encoded = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/.exec(
        item,
      )?.[1];
      expect(encoded).toBe(
        escapedBody(article)
          .map((p) => `<p>${p}</p>`)
          .join('\n'),
      );
    }
  });

  it('streams a well-formed bench article of at least the requested size', async () => {
    const response = await get('/bench/article?kb=1024');
    expectPage(response);
    // Chunked: the origin streams it rather than building it first.
    expect(response.headers.get('content-length')).toBeNull();
    const html = await response.text();
    const bytes = new TextEncoder().encode(html).byteLength;
    expect(bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(bytes).toBeLessThan(1024 * 1024 + 4096);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.endsWith('</body></html>\n')).toBe(true);
    const page = await scan(html);
    expect(page.article).toEqual({ id: 'bench/article', section: 'bench' });
    expect(page.paragraphs.length).toBeGreaterThan(1000);
    expect(page.paragraphs.slice(0, 3)).toEqual(
      [0, 1, 2].map((i) => escapeHtml(benchParagraph(i))),
    );
    expect(page.supportHeading).toBe(SUPPORT_HEADING);
    const ld = JSON.parse(page.jsonLd[0] ?? '');
    expect(ld.articleBody.split('\n\n')).toHaveLength(page.paragraphs.length);
    expect(hydrationData(page.scripts[0] ?? '').body).toHaveLength(page.paragraphs.length);
  });

  it('sizes small bench articles and refuses sizes out of range', async () => {
    const small = await (await get('/bench/article?kb=10')).text();
    expect(small.length).toBeGreaterThanOrEqual(10 * 1024);
    expect(small.length).toBeLessThan(12 * 1024);
    for (const kb of ['0', 'abc', '999999']) {
      const response = await get(`/bench/article?kb=${kb}`);
      expect(response.status).toBe(400);
      await response.body?.cancel();
    }
  });

  it('answers unknown paths with a 404 HTML page', async () => {
    for (const path of ['/nope', '/2026/11/no-such-article', '/amp/nope', '/print/', '/2026/11/']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(HTML);
      const html = await response.text();
      expect(html).toContain('<h1>Page not found</h1>');
      expect((await scan(html)).article).toBeNull();
    }
  });

  it('serves static files with their content types', async () => {
    const cases = [
      ['/robots.txt', 'text/plain; charset=utf-8'],
      ['/static/site.css', 'text/css; charset=utf-8'],
      ['/favicon.ico', 'image/x-icon'],
    ] as const;
    for (const [path, type] of cases) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('set-cookie')).toBeNull();
      const body = new Uint8Array(await response.arrayBuffer());
      expect(body.byteLength).toBe(Number(response.headers.get('content-length')));
      if (path === '/favicon.ico') expect([...body.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    }
  });

  it('answers HEAD with the headers and no body, and refuses other methods', async () => {
    const article = ARTICLES[0] as DemoArticle;
    const full = await get(article.path);
    const head = await get(article.path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(full.headers.get('content-length'));
    expect(await head.text()).toBe('');
    await full.body?.cancel();
    const post = await get(article.path, { method: 'POST', body: 'name=x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.body?.cancel();
  });
});
