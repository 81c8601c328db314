import { describe, expect, it } from 'vitest';
import { paragraphs, pageText as text, visitPages as visit } from './pages-support';
import { ACCESS_CALL, CookieJar, callsDuring, serviceToken, setCookies } from './support';

// examples/pages-middleware's `_middleware.ts` in workerd, asking the real service (counted at
// its door). Pages' `context.next()` serves the example's static article page.

describe('examples/pages-middleware against the real service', () => {
  it('meters a reader with one call per article, then walls the 4th as it streams', async () => {
    expect(paragraphs.length).toBe(5);
    const jar = new CookieJar();
    for (const slug of ['one', 'two', 'three']) {
      const { result: page, calls } = await callsDuring(() => visit(`/articles/${slug}`, jar));
      expect(calls(ACCESS_CALL)).toBe(1);
      expect(page.headers.get('paywall-decision')).toBe('granted; reason=metered');
      const html = await text(page);
      for (const p of paragraphs) expect(html).toContain(p);
    }
    const { result: walled, calls } = await callsDuring(() => visit('/articles/four', jar));
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(walled.headers.get('paywall-decision')).toBe('denied; reason=meter_exhausted');
    expect(walled.headers.get('cache-control')).toBe('private, no-store');
    const html = await text(walled);
    expect(html).toContain(paragraphs[0]);
    expect(html).toContain(paragraphs[1]);
    for (const p of paragraphs.slice(2)) expect(html).not.toContain(p);
    expect(html).toContain('id="paywall-prompt"');
    // The prompt sits inside the article, after the lead paragraphs.
    expect(html.indexOf(paragraphs[1] as string)).toBeLessThan(html.indexOf('paywall-prompt'));
    expect(html.indexOf('paywall-prompt')).toBeLessThan(html.indexOf('</article>'));
  });

  it('passes a subscriber the whole page with no call, and leaves other paths alone', async () => {
    const jar = new CookieJar();
    jar.set('__Host-paywall_ent', await serviceToken());
    await visit('/articles/warm', jar); // may fetch the JWKS once
    const { result: page, calls } = await callsDuring(() => visit('/articles/five', jar));
    expect(calls(ACCESS_CALL)).toBe(0);
    expect(page.headers.get('paywall-decision')).toBe('granted; reason=subscriber');
    const html = await text(page);
    for (const p of paragraphs) expect(html).toContain(p);
    expect(setCookies(page)).toEqual([]);

    const { result: home, calls: homeCalls } = await callsDuring(() => visit('/', new CookieJar()));
    expect(homeCalls(ACCESS_CALL)).toBe(0);
    expect(home.headers.get('paywall-decision')).toBeNull();
  });
});
