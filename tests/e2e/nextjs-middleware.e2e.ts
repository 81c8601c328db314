/// <reference types="node" />
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar';
import { meterUsed } from '../support/meter-probe';
import { OTHER_SPELLINGS, PREFETCH_SPELLINGS } from '../support/prefetch-spellings';

// examples/nextjs-middleware.ts as Next.js would call it (a Request in, a Response out), in
// Node like Next's Node.js middleware runtime, against the whole stack the browser journeys
// use. Next itself is not installed here: the test reads the response headers Next acts on
// (`x-middleware-next`, `x-middleware-request-*`), which `NextResponse.next()` also sets.

type Middleware = (request: Request) => Promise<Response>;
let middleware: Middleware;
let site: string;

beforeAll(async () => {
  process.env.PAYWALL_URL = inject('e2e').url;
  process.env.PAYWALL_API_KEY = 'local-dev-key';
  ({ middleware } = (await import('../../examples/nextjs-middleware')) as {
    middleware: Middleware;
  });
  site = 'http://localhost:3000';
});

async function view(path: string, jar: CookieJar, headers: Record<string, string> = {}) {
  const response = await middleware(
    new Request(`${site}${path}`, { headers: { cookie: jar.header(), ...headers } }),
  );
  jar.take(response);
  return response;
}

describe('examples/nextjs-middleware.ts against the real service', () => {
  it('passes each decision to the page as request headers, and walls the 4th article', async () => {
    const jar = new CookieJar();
    const slug = `e2e-next-${Date.now()}`;
    for (const n of [1, 2, 3]) {
      const page = await view(`/articles/${slug}-${n}`, jar);
      expect(page.headers.get('x-middleware-next')).toBe('1');
      expect(page.headers.get('x-middleware-request-x-paywall-access')).toBe('granted');
      expect(page.headers.get('x-middleware-request-x-paywall-reason')).toBe('metered');
      expect(page.headers.get('cache-control')).toBe('private, no-store');
    }
    const walled = await view(`/articles/${slug}-4`, jar);
    expect(walled.headers.get('x-middleware-request-x-paywall-access')).toBe('denied');
    expect(walled.headers.get('x-middleware-request-x-paywall-reason')).toBe('meter_exhausted');
    expect(
      JSON.parse(walled.headers.get('x-middleware-request-x-paywall-meter') ?? '{}'),
    ).toMatchObject({
      limit: 3,
      used: 3,
    });
    // Every header of the request is passed on, as NextResponse.next({ request }) would.
    expect(walled.headers.get('x-middleware-override-headers')?.split(',')).toContain('cookie');
  });

  it("overwrites a reader's own x-paywall-access, and a prefetch does not count", async () => {
    const jar = new CookieJar();
    const slug = `e2e-next-forged-${Date.now()}`;
    const prefetch = await view(`/articles/${slug}`, jar, { 'next-router-prefetch': '1' });
    expect(prefetch.headers.get('x-middleware-request-x-paywall-access')).toBe('peek');
    const forged = await view(`/articles/${slug}`, jar, {
      'x-paywall-access': 'granted',
      'x-paywall-reason': 'subscriber',
    });
    expect(forged.headers.get('x-middleware-request-x-paywall-reason')).toBe('metered');
    // The prefetch peeked (consume: false), so this real view is the reader's first count.
    expect(
      JSON.parse(forged.headers.get('x-middleware-request-x-paywall-meter') ?? '{}'),
    ).toMatchObject({
      used: 1,
    });
    expect(forged.headers.get('x-middleware-request-x-paywall-access')).toBe('granted');
  });

  // Issue #10 item 5: a prefetch header (anyone can send one) neither counts nor unlocks the
  // article. The page (nextjs-middleware.md) renders the whole article only on
  // `x-paywall-access: granted`, the lead otherwise: `page()` below is that rule.
  it.each(PREFETCH_SPELLINGS)(
    '%s: eight prefetches of eight articles render the lead only and count nothing',
    async (_, headers) => {
      const jar = new CookieJar();
      const slug = `e2e-next-pf-${crypto.randomUUID().slice(0, 8)}`;
      const warm = await view(`/articles/${slug}-0`, jar);
      expect(access(warm)).toBe('granted');
      expect(await used(jar)).toBe(1);
      for (let n = 0; n < 8; n++) {
        const response = await view(`/articles/${slug}-${n}`, jar, headers);
        expect(response.headers.get('x-middleware-next')).toBe('1');
        expect(response.headers.get('cache-control')).toBe('private, no-store');
        expect(access(response)).toBe('peek');
        expect(response.headers.get('paywall-decision')).toMatch(/^peek; reason=\w+; would-be=/);
        const html = page(response);
        for (const lead of ARTICLE.slice(0, LEAD)) expect(html).toContain(lead);
        for (const walled of ARTICLE.slice(LEAD)) expect(html).not.toContain(walled);
      }
      expect(await used(jar)).toBe(1);
      // The real navigations count and show the article, until the wall.
      const reads = [];
      for (const n of [1, 2, 3]) reads.push(access(await view(`/articles/${slug}-${n}`, jar)));
      expect(reads).toEqual(['granted', 'granted', 'denied']);
      expect(await used(jar)).toBe(3);
    },
  );

  it.each([...PREFETCH_SPELLINGS, ...OTHER_SPELLINGS])(
    '%s: the page shows the whole article only on a read that counted',
    async (_, headers) => {
      const jar = new CookieJar();
      const response = await view(`/articles/e2e-next-any-${crypto.randomUUID()}`, jar, headers);
      const counted = (await used(jar)) === 1;
      const html = page(response);
      expect(ARTICLE.slice(LEAD).every((p) => html.includes(p))).toBe(counted);
      expect(ARTICLE.slice(LEAD).some((p) => html.includes(p))).toBe(counted);
    },
  );
});

const LEAD = 2;
const ARTICLE = ['Lead one.', 'Lead two.', 'Walled three.', 'Walled four.'];
const access = (response: Response) =>
  response.headers.get('x-middleware-request-x-paywall-access');

/** The page of nextjs-middleware.md, reduced to its rule: whole only on `granted`. */
function page(response: Response): string {
  const shown = access(response) === 'granted' ? ARTICLE : ARTICLE.slice(0, LEAD);
  return shown.map((p) => `<p>${p}</p>`).join('');
}

/** `used` for the reader in `jar`, from a peek straight at the service (counts nothing). */
const used = (jar: CookieJar) => meterUsed(inject('e2e').url, jar);
