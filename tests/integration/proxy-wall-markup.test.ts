import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageRequest } from '../support/browser-like';
import { AFTER_ARTICLE, HEADLINE, LEAD1, LEAD2, MARKUP, WALLED } from '../support/hostile-pages';
import { withBindings } from '../support/worker';

// Issue #10 item 4: a wall that cannot find its paragraphs must fail closed. Every page in
// tests/support/hostile-pages.ts is markup we did not write (wrappers, renamed classes, no
// body or article element, unclosed <p>, comments, <template>/<noscript>, data-* and other
// text-carrying attributes, uppercase tags, `>` inside quoted attributes…). Each is served by
// an origin and read through the real worker entry by a reader who is denied (the paths are
// premium); no sentence marked WALLEDTOKEN may appear anywhere in the response bytes.

const walled = (bindings: Record<string, unknown> = {}) =>
  withBindings({
    ORIGIN_URL: env.TEST_HOSTILE_ORIGIN_URL,
    PAYWALL_CONFIG: JSON.stringify({ rules: [{ match: { path: '/**' }, access: 'premium' }] }),
    ...bindings,
  });
const worker = walled();
const run = crypto.randomUUID().slice(0, 8);

afterEach(() => vi.restoreAllMocks());

describe('the wall fails closed on markup we did not write', () => {
  it.each(Object.entries(MARKUP))('%s', async (name, page) => {
    const response = await worker(pageRequest(`/markup/${name}/${run}`));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('paywall-decision')).toBe('denied; reason=premium');
    expect(html).not.toContain(WALLED);
    expect(html).toContain('id="paywall-prompt"');
    expect(html.match(/id="paywall-prompt"/g)).toHaveLength(1);
    expect(html).not.toContain('<!--');
    if (page.leadFindable) {
      expect(html).toContain(LEAD1);
      if (name !== 'template-inside-lead') expect(html).toContain(LEAD2);
    }
  });

  it('the reference page keeps the headline, byline, site chrome and what follows the article', async () => {
    const html = await (await worker(pageRequest(`/markup/reference/${run}`))).text();
    expect(html).toContain(HEADLINE);
    expect(html).toContain('By A Writer');
    expect(html).toContain('The Site');
    expect(html).toContain(AFTER_ARTICLE);
    expect(html).toContain('Site footer');
    // The prompt sits where the lead ends, inside the body.
    expect(html.indexOf(LEAD2)).toBeLessThan(html.indexOf('id="paywall-prompt"'));
    expect(html.indexOf('id="paywall-prompt"')).toBeLessThan(html.indexOf('</article>'));
  });

  it('with no lead at all (leadParagraphs 0) the whole body goes and the prompt stays', async () => {
    const zero = walled({
      PAYWALL_CONFIG: JSON.stringify({
        leadParagraphs: 0,
        rules: [{ match: { path: '/**' }, access: 'premium' }],
      }),
    });
    const html = await (await zero(pageRequest(`/markup/wrapper-div/${run}`))).text();
    expect(html).not.toContain('LEADTOKEN');
    expect(html).not.toContain(WALLED);
    expect(html).toContain('id="paywall-prompt"');
  });

  it.each([
    ['renamed-body-class', 'body_selector_unmatched'],
    ['no-article-no-body', 'body_selector_unmatched'],
    ['no-paragraphs-in-body', 'no_paragraph_in_body'],
  ])('%s logs a configuration warning with the page path only', async (name, problem) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logging = walled({ LOG_LEVEL: 'warn' });
    const response = await logging(pageRequest(`/markup/${name}/${run}`));
    await response.text();
    const lines = warn.mock.calls.map((call) => String(call[0]));
    const line = lines.find((l) => l.includes('wall_selector_missed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toEqual({
      level: 'warn',
      event: 'wall_selector_missed',
      path: `/markup/${name}/${run}`,
      problem,
    });
  });

  it('a page whose selectors match logs nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logging = walled({ LOG_LEVEL: 'warn' });
    await (await logging(pageRequest(`/markup/wrapper-div/${run}`))).text();
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain('wall_selector');
  });

  it('a granted reader still gets the page whole, and a crawler gets the walled paragraphs marked', async () => {
    const free = withBindings({
      ORIGIN_URL: env.TEST_HOSTILE_ORIGIN_URL,
      PAYWALL_CONFIG: JSON.stringify({ rules: [{ match: { path: '/**' }, access: 'free' }] }),
    });
    const html = await (await free(pageRequest(`/markup/wrapper-div/${run}`))).text();
    expect(html).toContain(`${WALLED}-5`);
    const crawled = await (
      await worker(pageRequest(`/markup/wrapper-div/${run}`, { ip: '66.249.66.1' }))
    ).text();
    expect(crawled).toContain(`<p class="pw-walled">${WALLED}-3`);
    expect(crawled).toContain(`<p>${LEAD2}`);
  });
});
