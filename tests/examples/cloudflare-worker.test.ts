import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ARTICLES } from '../../examples/cloudflare-worker/src/articles';
import worker from '../../examples/cloudflare-worker/src/index';
import { ENTITLEMENT_COOKIE, READER_COOKIE } from '../../src/client';
import {
  ACCESS_CALL,
  CookieJar,
  callsDuring,
  JWKS_CALL,
  SITE,
  serviceToken,
  setCookies,
  visit,
} from './support';

// examples/cloudflare-worker, in workerd, asking the real service (wrangler dev) through a
// proxy that counts what reaches the service.

const [first, second, third, fourth] = ARTICLES;
if (!first || !second || !third || !fourth) throw new Error('the example needs four articles');
const path = (a: { slug: string }) => `/articles/${a.slug}`;

describe('examples/cloudflare-worker against the real service', () => {
  it('meters an anonymous reader with exactly one access API call per page, then walls the 4th', async () => {
    const jar = new CookieJar();
    const rawIds = new Set<string | undefined>();
    for (const [i, article] of [first, second, third].entries()) {
      const { result: page, calls } = await callsDuring(() => visit(path(article), jar));
      expect(calls(ACCESS_CALL)).toBe(1);
      expect(page.status).toBe(200);
      expect(page.headers.get('paywall-decision')).toBe('granted; reason=metered');
      expect(page.headers.get('cache-control')).toBe('private, no-store');
      const html = await page.text();
      for (const paragraph of article.paragraphs) expect(html).toContain(paragraph);
      expect(html).toContain(`${2 - i} of 3 free articles left`);
      // The reader id is set on every counted read: the same reader (its first 22 characters),
      // carrying the meter's new state (src/meter/carried.ts).
      expect(setCookies(page).length).toBe(1);
      rawIds.add(jar.get(READER_COOKIE)?.slice(0, 22));
    }
    expect(rawIds.size).toBe(1);

    const { result: walled, calls } = await callsDuring(() => visit(path(fourth), jar));
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(walled.headers.get('paywall-decision')).toBe('denied; reason=meter_exhausted');
    const html = await walled.text();
    expect(html).toContain(fourth.paragraphs[0]);
    expect(html).toContain(fourth.paragraphs[1]);
    expect(html).not.toContain(fourth.paragraphs[2]);
    expect(html).not.toContain(fourth.paragraphs[3]);
    // The service's prompt, with its wall lead-in and forms posting to the site's own host.
    expect(html).toContain('id="paywall-prompt"');
    expect(html).toContain('data-pw-variant="wall"');
    expect(html).toContain('action="/_paywall/v1/checkout"');

    // Re-reading an article already counted is free, and still one call.
    const { result: again, calls: againCalls } = await callsDuring(() => visit(path(first), jar));
    expect(againCalls(ACCESS_CALL)).toBe(1);
    expect(again.headers.get('paywall-decision')).toBe('granted; reason=already_read');
  });

  it('lets a subscriber read with zero calls to the service once the JWKS is cached', async () => {
    const jar = new CookieJar();
    jar.set(ENTITLEMENT_COOKIE, await serviceToken());
    // The first verification may fetch the JWKS (once per isolate); never the access API.
    const warm = await callsDuring(() => visit(path(first), jar));
    expect(warm.calls(ACCESS_CALL)).toBe(0);
    expect(warm.calls(JWKS_CALL)).toBeLessThanOrEqual(1);

    const { result: pages, calls } = await callsDuring(async () => {
      const seen = [];
      for (let i = 0; i < 3; i++) {
        for (const article of ARTICLES)
          seen.push({ article, page: await visit(path(article), jar) });
      }
      return seen;
    });
    expect(calls(ACCESS_CALL)).toBe(0);
    expect(calls(JWKS_CALL)).toBe(0);
    expect(calls('GET /_paywall/v1/prompt')).toBe(0);
    for (const { article, page } of pages) {
      expect(page.headers.get('paywall-decision')).toBe('granted; reason=subscriber');
      const html = await page.text();
      for (const paragraph of article.paragraphs) expect(html).toContain(paragraph);
      expect(html).not.toContain('paywall-prompt');
    }
  });

  it('sends a tampered token to the access API, which meters the reader and clears the cookie', async () => {
    const jar = new CookieJar();
    const token = await serviceToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    forged.ent.plan = 'yearly';
    const forgedPayload = btoa(JSON.stringify(forged)).replace(/=+$/, '');
    jar.set(
      ENTITLEMENT_COOKIE,
      `${header}.${forgedPayload.replace(/\+/g, '-').replace(/\//g, '_')}.${signature}`,
    );

    const { result: page, calls } = await callsDuring(() => visit(path(first), jar));
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(page.headers.get('paywall-decision')).toBe('granted; reason=metered');
    expect(setCookies(page)).toContainEqual(
      expect.stringMatching(/^__Host-paywall_ent=; Max-Age=0;/),
    );
    expect(jar.get(ENTITLEMENT_COOKIE)).toBeUndefined();
  });

  it('sends an expired token to the access API instead of trusting it', async () => {
    const jar = new CookieJar();
    const iat = Math.floor(Date.now() / 1000) - 3_600;
    jar.set(ENTITLEMENT_COOKIE, await serviceToken({ iat, exp: iat + 600 }));
    const { result: page, calls } = await callsDuring(() => visit(path(second), jar));
    expect(calls(ACCESS_CALL)).toBe(1);
    // No subscription record stands behind this token, so the service meters the reader.
    expect(page.headers.get('paywall-decision')).toBe('granted; reason=metered');
  });

  it('serves the article whole (fail-open) when the service is down, without waiting on it twice', async () => {
    const hangingConnections = async () =>
      ((await (await fetch(env.TEST_HANGING_COUNTS_URL)).json()) as { connections: number })
        .connections;
    for (const url of [env.TEST_CLOSED_URL, env.TEST_HANGING_URL]) {
      const before = await hangingConnections();
      const page = await worker.fetch(new Request(`${SITE}${path(third)}`), {
        ...env,
        PAYWALL_URL: url,
      });
      expect(page.headers.get('paywall-decision')).toBe('granted; reason=degraded');
      const html = await page.text();
      for (const paragraph of third.paragraphs) expect(html).toContain(paragraph);
      // One call that timed out (the access call), not two: no prompt is fetched on failure.
      // Counted at the hanging service, not timed, so a busy machine cannot fail it.
      if (url === env.TEST_HANGING_URL) expect((await hangingConnections()) - before).toBe(1);
    }
  });

  it('takes a supporter through forwarded checkout back to the site, then reads with zero calls', async () => {
    const jar = new CookieJar();
    await visit(path(first), jar);
    // The prompt's form, posted on the site's host and forwarded to the service.
    const { result: answer, calls } = await callsDuring(() =>
      visit('/_paywall/v1/checkout', jar, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SITE },
        body: new URLSearchParams({ plan: 'monthly', returnTo: path(first) }).toString(),
      }),
    );
    expect(calls('POST /_paywall/v1/checkout')).toBe(1);
    expect(answer.status).toBe(303);
    const checkoutUrl = answer.headers.get('location') ?? '';
    expect(checkoutUrl.startsWith(`${env.TEST_STRIPE_URL}/`)).toBe(true);

    // The reader pays on (the emulator's) Checkout, which sends them back to the SITE's host.
    const sessionId = new URL(checkoutUrl).pathname.split('/').pop();
    const paid = await fetch(`${env.TEST_STRIPE_URL}/_control/checkout/sessions/${sessionId}/pay`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success' }),
    });
    const { redirectUrl } = (await paid.json()) as { redirectUrl: string };
    expect(redirectUrl.startsWith(`${SITE}/_paywall/checkout/complete?session_id=`)).toBe(true);

    // Coming back through the site: the entitlement cookie is set on the site's own domain.
    const back = new URL(redirectUrl);
    const complete = await visit(`${back.pathname}${back.search}`, jar);
    expect(complete.status).toBe(303);
    expect(complete.headers.get('location')).toBe(path(first));
    expect(jar.get(ENTITLEMENT_COOKIE)).toBeTruthy();

    const { result: pages, calls: after } = await callsDuring(() =>
      Promise.all(ARTICLES.map((a) => visit(path(a), jar))),
    );
    expect(after(ACCESS_CALL)).toBe(0);
    for (const page of pages) {
      expect(page.headers.get('paywall-decision')).toBe('granted; reason=subscriber');
    }

    // A form from another site is refused by the service, through the same door.
    const foreign = await visit('/_paywall/v1/checkout', new CookieJar(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: new URLSearchParams({ plan: 'monthly' }).toString(),
    });
    expect(foreign.status).toBe(403);
  });
});
