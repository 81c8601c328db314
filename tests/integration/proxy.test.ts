import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { escapeHtml } from '../../tools/demo-origin/html';
import { CookieJar, pageRequest } from '../support/browser-like';
import { mintViaService, seedSubscriber } from '../support/entitlements';
import { callWorker } from '../support/worker';

const [a1, a2, a3, a4, a5] = ARTICLES.filter((a) => a.section !== 'notices') as [
  (typeof ARTICLES)[number],
  (typeof ARTICLES)[number],
  (typeof ARTICLES)[number],
  (typeof ARTICLES)[number],
  (typeof ARTICLES)[number],
];
const para = (article: (typeof ARTICLES)[number], i: number) =>
  escapeHtml(article.paragraphs[i] as string);

async function read(path: string, jar: CookieJar, init: { ip?: string; userAgent?: string } = {}) {
  const response = await callWorker(pageRequest(path, { jar, ...init }));
  jar.take(response);
  return { response, html: await response.text() };
}

describe('the proxy in front of the article', () => {
  it('three articles are granted with a countdown; the fourth is walled, with no walled text in any form', async () => {
    const jar = new CookieJar();
    const notices: string[] = [];
    for (const article of [a1, a2, a3]) {
      const { response, html } = await read(article.path, jar);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(html).toContain(para(article, 2)); // whole
      expect(html).toContain('id="paywall-prompt"'); // the support box is live
      expect(html).not.toContain('class="support-box"');
      notices.push(
        /(\d of 3 free articles|1 free article|No free articles) left this month/.exec(html)?.[0] ??
          'no notice',
      );
    }
    expect(notices).toEqual([
      '2 of 3 free articles left this month',
      '1 free article left this month',
      'No free articles left this month',
    ]);
    expect(jar.get('__Host-paywall_rid')).toBeTruthy();

    const { response, html } = await read(a4.path, jar);
    expect(response.status).toBe(200);
    expect(response.headers.get('paywall-decision')).toMatch(/^denied; reason=meter_exhausted/);
    expect(html).toContain(para(a4, 0));
    expect(html).toContain(para(a4, 1));
    for (let i = 2; i < a4.paragraphs.length; i++) {
      // Not in the HTML, the JSON-LD, the hydration data, anywhere in the bytes.
      expect(html).not.toContain(para(a4, i));
      expect(html).not.toContain((a4.paragraphs[i] as string).slice(0, 60));
    }
    expect(html).toContain('action="/_paywall/v1/checkout"');
    expect(html).not.toContain('__ARTICLE_DATA__');
    expect(html).not.toContain('rel="amphtml"');
    const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const data = JSON.parse(ld) as Record<string, unknown>;
    expect(data.isAccessibleForFree).toBe(false);
    expect(data.hasPart).toMatchObject({ isAccessibleForFree: false, cssSelector: '.pw-walled' });
    expect(data.articleBody).toBeUndefined();

    // A counted article is still free to re-read; the AMP and print versions are the same article.
    expect((await read(a1.path, jar)).html).toContain(para(a1, 4));
    expect((await read(`/amp${a2.path}`, jar)).html).toContain(para(a2, 4));
    const printWalled = await read(`/print${a4.path}`, jar);
    expect(printWalled.html).not.toContain(para(a4, 2));
    expect(printWalled.html).toContain(para(a4, 0));
  });

  it('another device (no cookies) starts its own meter', async () => {
    const { html } = await read(a5.path, new CookieJar());
    expect(html).toContain(para(a5, 2));
  });

  it('the full-text feed carries no article bodies', async () => {
    const { response, html } = await read('/feed.xml', new CookieJar());
    expect(response.status).toBe(200);
    expect(html).toContain('<rss');
    expect(html).not.toContain('content:encoded>');
    for (const article of ARTICLES) expect(html).not.toContain(para(article, 2));
  });

  it('pages that are not articles pass through untouched', async () => {
    for (const path of ['/', '/static/site.css', '/robots.txt']) {
      const direct = await fetch(`${env.TEST_ORIGIN_URL}${path}`);
      const proxied = await callWorker(pageRequest(path));
      expect(proxied.status).toBe(direct.status);
      expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'));
      expect(await proxied.text()).toBe(await direct.text());
      expect(proxied.headers.get('set-cookie')).toBeNull();
    }
  });

  it('a missing article is a 404 that costs no read', async () => {
    const jar = new CookieJar();
    const missing = await callWorker(pageRequest('/2026/11/no-such-story', { jar }));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('set-cookie')).toBeNull();
  });

  it('a subscriber reads everything, without a notice', async () => {
    const { userId } = await seedSubscriber();
    const token = (await mintViaService(callWorker, userId)).entitlement?.token as string;
    const jar = new CookieJar();
    jar.set('__Host-paywall_ent', token);
    for (const article of [a1, a2, a3, a4, a5]) {
      const { response, html } = await read(article.path, jar);
      expect(response.headers.get('paywall-decision')).toBe('granted; reason=subscriber');
      expect(html).toContain(para(article, 2));
      expect(html).not.toMatch(/articles? left this month/);
    }
  });

  it('a verified crawler (Googlebot range) gets the full text with paywall structured data', async () => {
    const { response, html } = await read(a4.path, new CookieJar(), {
      ip: '66.249.66.1',
      userAgent: 'Googlebot/2.1',
    });
    expect(response.headers.get('paywall-decision')).toBe('granted; reason=verified_crawler');
    expect(html).toContain(para(a4, 5));
    expect(html).toContain('pw-walled');
    expect(html).toContain('"isAccessibleForFree":false');
  });

  it('a Googlebot User-Agent from anywhere else is metered like anyone', async () => {
    const jar = new CookieJar();
    const ua = {
      userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      ip: '203.0.113.50',
    };
    for (const article of [a1, a2, a3]) await read(article.path, jar, ua);
    const { response, html } = await read(a4.path, jar, ua);
    expect(response.headers.get('paywall-decision')).toMatch(/^denied/);
    expect(html).not.toContain(para(a4, 2));
  });

  it('our cookies never reach the origin', async () => {
    const { originRequest } = await import('../../src/proxy/origin');
    const upstream = originRequest(
      new Request('https://site.test/2026/11/x', {
        headers: {
          cookie: '__Host-paywall_rid=abc; session=keep; __Host-paywall_ent=tok',
          connection: 'keep-alive, x-drop',
          'x-drop': '1',
        },
      }),
      env.TEST_ORIGIN_URL,
    );
    expect(upstream.headers.get('cookie')).toBe('session=keep');
    expect(upstream.headers.get('x-drop')).toBeNull();
    expect(upstream.headers.get('x-forwarded-host')).toBe('site.test');
  });
});
