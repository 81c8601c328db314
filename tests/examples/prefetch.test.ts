import { describe, expect, it } from 'vitest';
import { ARTICLES } from '../../examples/cloudflare-worker/src/articles';
import { OTHER_SPELLINGS, PREFETCH_SPELLINGS } from '../support/prefetch-spellings';
import { pageText, paragraphs, visitPages } from './pages-support';
import { ACCESS_CALL, CookieJar, callsDuring, meterUsed, visit } from './support';

// Issue #10 item 5 against the two examples that run in workerd, each asking the real
// service: a prefetch header (which anyone can send) neither counts nor shows the article.
// The examples render 2 lead paragraphs; everything after them is the walled text.

const LEAD = 2;
const path = (a: { slug: string }) => `/articles/${a.slug}`;

type Visit = (path: string, jar: CookieJar, init?: RequestInit) => Promise<Response>;
interface Example {
  name: string;
  visit: Visit;
  /** Article paths and the paragraphs each one has. */
  articles: { path: string; paragraphs: string[] }[];
  text: (response: Response) => Promise<string>;
}

const EXAMPLES: Example[] = [
  {
    name: 'examples/cloudflare-worker',
    visit,
    articles: ARTICLES.map((a) => ({ path: path(a), paragraphs: a.paragraphs })),
    text: (response) => response.text(),
  },
  {
    name: 'examples/pages-middleware',
    visit: visitPages,
    articles: Array.from({ length: 8 }, (_, i) => ({ path: `/articles/pf-${i}`, paragraphs })),
    text: pageText,
  },
];

describe.each(EXAMPLES)('$name: a prefetch is a peek', (example) => {
  const articles = example.articles;
  const eight = Array.from({ length: 8 }, (_, i) => articles[i % articles.length]);

  it.each(PREFETCH_SPELLINGS)(
    '%s: eight prefetches show no paragraph past the lead and leave the meter alone',
    async (_, headers) => {
      const jar = new CookieJar();
      // A reader who has read one article for real.
      const warm = await example.visit(`${articles[0]?.path}?warm`, jar);
      expect(warm.headers.get('paywall-decision')).toMatch(
        /^granted; reason=(metered|already_read)/,
      );
      await warm.body?.cancel();
      const before = await meterUsed(jar);
      expect(before).toBe(1);

      for (const article of eight) {
        if (!article) throw new Error('no article');
        const { result: page, calls } = await callsDuring(() =>
          example.visit(article.path, jar, { headers }),
        );
        expect(calls(ACCESS_CALL)).toBe(1);
        expect(page.status).toBe(200);
        expect(page.headers.get('cache-control')).toBe('private, no-store');
        expect(page.headers.get('paywall-decision')).toMatch(
          /^peek; reason=\w+; would-be=granted$/,
        );
        const html = await example.text(page);
        for (const lead of article.paragraphs.slice(0, LEAD)) expect(html).toContain(lead);
        for (const walled of article.paragraphs.slice(LEAD)) expect(html).not.toContain(walled);
        // A peek gets no prompt either: it is not a wall, only a preview of the page.
        expect(html).not.toContain('paywall-prompt');
      }
      expect(await meterUsed(jar)).toBe(before);

      // The real navigations still count, and still show the article, until the wall.
      const reads = [];
      for (const article of articles.slice(1, 4)) {
        const page = await example.visit(article.path, jar);
        reads.push(page.headers.get('paywall-decision'));
        await page.body?.cancel();
      }
      expect(reads).toEqual([
        'granted; reason=metered',
        'granted; reason=metered',
        'denied; reason=meter_exhausted',
      ]);
      expect(await meterUsed(jar)).toBe(3);
    },
  );

  it.each([...PREFETCH_SPELLINGS, ...OTHER_SPELLINGS])(
    '%s: the whole article only on a read that counted',
    async (_, headers) => {
      const article = articles[articles.length - 1];
      if (!article) throw new Error('no article');
      const jar = new CookieJar();
      const page = await example.visit(article.path, jar, { headers });
      const html = await example.text(page);
      const counted = (await meterUsed(jar)) === 1;
      const full = article.paragraphs.slice(LEAD).every((p) => html.includes(p));
      const anyWalled = article.paragraphs.slice(LEAD).some((p) => html.includes(p));
      expect(anyWalled).toBe(full);
      expect(full).toBe(counted);
      expect(page.headers.get('paywall-decision')?.startsWith('granted')).toBe(counted);
    },
  );

  it('HEAD is a peek too: not counted', async () => {
    const article = articles[0];
    if (!article) throw new Error('no article');
    const jar = new CookieJar();
    await (await example.visit(article.path, jar)).body?.cancel();
    const page = await example.visit(`${articles[1]?.path}`, jar, { method: 'HEAD' });
    await page.body?.cancel();
    expect(await meterUsed(jar)).toBe(1);
  });
});
