/// <reference types="node" />
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CookieJar } from '../support/cookie-jar';

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
    expect(prefetch.headers.get('x-middleware-request-x-paywall-access')).toBe('granted');
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
});
