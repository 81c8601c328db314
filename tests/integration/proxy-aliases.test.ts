import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CookieJar, pageRequest } from '../support/browser-like';
import { LEAD1, WALLED } from '../support/hostile-pages';
import { BASE, withBindings } from '../support/worker';

// Other spellings of an article's URL that an origin serves as the article itself, sent
// through the worker to an origin that answers every path with a full article
// (tests/support/hostile-origin.ts). Each one must be walled for a reader who is denied, or
// refused with a 400 before anything is fetched; none may pass through whole.

const origin = env.TEST_HOSTILE_ORIGIN_URL;
const run = crypto.randomUUID().slice(0, 8);
const worker = (config: Record<string, unknown>) =>
  withBindings({ ORIGIN_URL: origin, PAYWALL_CONFIG: JSON.stringify(config) });
/** Every article denied (premium): what a reader with no reads left sees, without a meter. */
const denied = worker({ rules: [{ match: { path: '/**' }, access: 'premium' }] });
const metered = (limit: number) => worker({ meter: { limit } });

async function originSaw(tag: string): Promise<{ url: string }[]> {
  const response = await fetch(`${origin}/__requests?has=${encodeURIComponent(tag)}`);
  return (await response.json()) as { url: string }[];
}

describe('a directory index document is the article it indexes', () => {
  // Static hosts (Pages, Netlify, S3, nginx `index`, Apache DirectoryIndex) serve `story/`
  // as `story/index.html`.
  const spellings = [
    'index.html',
    'index.htm',
    'index.html/',
    'INDEX.HTML',
    'Index.Htm',
    'index%2Ehtml',
    'index%2ehtm/',
    '/index.html',
    'index.html//',
    'index.html/index.html',
    'index.shtml',
    'index.xhtml',
    'index.php',
    'default.htm',
    'default.aspx',
    'index',
  ];

  it.each(spellings)('/yyyy/mm/story/%s is walled for a denied reader', async (spelling) => {
    const response = await denied(pageRequest(`/2026/${run}/story-${run}/${spelling}`));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('paywall-decision')).toMatch(/^denied; /);
    expect(body).toContain('id="paywall-prompt"');
    expect(body).toContain(LEAD1);
    expect(body).not.toContain(WALLED);
  });

  it.each(['index.html', 'INDEX.HTM/', 'index.php'])(
    'an AMP or print version of the index spelling is walled too: %s',
    async (spelling) => {
      for (const prefix of ['/amp', '/print']) {
        const response = await denied(pageRequest(`${prefix}/2026/${run}/alt/${spelling}`));
        const body = await response.text();
        expect(response.headers.get('paywall-decision')).toMatch(/^denied; /);
        expect(body).not.toContain(WALLED);
      }
    },
  );

  it('is metered once with the article: the index spelling of a counted article is a re-read', async () => {
    const meter = metered(1);
    const jar = new CookieJar();
    const read = async (path: string) => {
      const response = await meter(pageRequest(path, { jar }));
      jar.take(response);
      const body = await response.text();
      return { decision: response.headers.get('paywall-decision'), body };
    };
    const article = `/2026/${run}/counted`;
    expect((await read(article)).decision).toBe('granted; reason=metered');
    for (const alias of [`${article}/index.html`, `${article}/INDEX.HTM/`, `/amp${article}/`]) {
      expect((await read(alias)).decision).toBe('granted; reason=already_read');
    }
    // The one read is spent: another article's index spelling is walled.
    const other = await read(`/2026/${run}/another/index.html`);
    expect(other.decision).toBe('denied; reason=meter_exhausted');
    expect(other.body).not.toContain(WALLED);
  });
});

describe('an encoded slash or backslash in the path is a 400 and fetches nothing', () => {
  // nginx (and caches in front of origins) decode `%2F` before matching locations, so
  // `/2026%2F11%2Fstory` is served as the article `/2026/11/story`.
  const spellings = [
    '/2026%2F11%2Fstory-TAG',
    '/2026/11%2Fstory-TAG',
    '/2026%2f11%2fstory-TAG',
    '/2026%2F11/story-TAG',
    '/2026/11%2fstory-TAG/',
    '/2026%252F11%252Fstory-TAG',
    '/2026/11%252fstory-TAG',
    '/2026/11%25252Fstory-TAG',
    '/2026/11%2525252Fstory-TAG',
    '/2026%5C11%5Cstory-TAG',
    '/2026/11%5cstory-TAG',
    '/2026/11%255Cstory-TAG',
    '/amp/2026%2F11/story-TAG',
    '/print/2026/11%2Fstory-TAG',
    '/2026/11/story-TAG%2F',
    '/2026/11/story-TAG%2Findex.html',
    '/feed.xml%2F-TAG',
    '/2026%2F11%2Fstory-TAG?page=2',
  ];

  it.each(spellings)('%s', async (spelling) => {
    const tag = `${run}-${spellings.indexOf(spelling)}`;
    const path = spelling.replace('TAG', tag);
    for (const method of ['GET', 'HEAD', 'POST']) {
      const response = await denied(new Request(`${BASE}${path}`, { method }));
      expect(response.status).toBe(400);
      expect(response.headers.get('paywall-decision')).toBeNull();
      const body = await response.text();
      expect(body).not.toContain(WALLED);
      if (method !== 'HEAD') {
        const envelope = JSON.parse(body) as { error: { code: string; requestId: string } };
        expect(envelope.error.code).toBe('invalid_request');
        expect(envelope.error.requestId).toBeTruthy();
      }
    }
    expect(await originSaw(tag)).toHaveLength(0);
  });

  it.each([
    ['a space', '/2026/11/a%20story'],
    ['Latin-1', '/2026/11/%E9t%E9'],
    ['UTF-8', '/2026/11/caf%C3%A9'],
    ['an escaped percent', '/2026/11/50%25off'],
    ['an escaped dot', '/2026/11/story%2Ehtml'],
  ])('ordinary escapes still reach the origin: %s', async (_, spelling) => {
    const path = `${spelling}-${run}`;
    const response = await denied(pageRequest(path));
    expect(response.status).toBe(200);
    // Still an article path: walled, not passed through.
    expect(response.headers.get('paywall-decision')).toMatch(/^denied; /);
    expect(await response.text()).not.toContain(WALLED);
    expect((await originSaw(`-${run}`)).some((r) => r.url.includes(spelling))).toBe(true);
  });
});
