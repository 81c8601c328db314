import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FORWARDED_FOR, FORWARDER_KEY } from '../../src/contract/forwarding';
import { checkoutForm, checkoutJson, freshIp } from '../support/checkout';
import { stripeClient } from '../support/stripe';
import { API_KEY, BASE, withBindings } from '../support/worker';

// Every refusal here happens before Stripe is called. Stripe's address is pointed at a
// canary server that counts requests, and the count must not move.
const canaryHits = async () =>
  ((await (await fetch(`${env.TEST_CANARY_URL}/__count`)).json()) as { hits: number }).hits;
const worker = () => withBindings({ STRIPE_API_BASE: env.TEST_CANARY_URL });

async function expectRefusal(request: Request, status: number, code: string) {
  const before = await canaryHits();
  const response = await worker()(request);
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(await canaryHits()).toBe(before);
  return body;
}

const contribution = (amount: unknown, extra: Record<string, unknown> = {}) => ({
  contribution: { amount, currency: 'eur', recurring: false, ...extra },
});

describe('checkout refusals: 400 and no call to Stripe', () => {
  it.each([
    ['an unknown plan', { plan: 'lifetime' }],
    ['an amount below the minimum', contribution(99)],
    ['an amount above the maximum', contribution(100_001)],
    ['a non-integer amount', contribution(500.5)],
    ['an amount that is not a number', contribution('500')],
    ['NaN smuggled as null', contribution(null)],
    ['a negative amount', contribution(-500)],
    ['a currency not offered', contribution(500, { currency: 'usd' })],
    ['both plan and contribution', { plan: 'monthly', ...contribution(500) }],
    ['neither', {}],
  ])('%s', async (_, body) => {
    await expectRefusal(checkoutJson(body, { ip: freshIp() }), 400, 'invalid_request');
  });

  it.each([
    ['absolute', 'https://evil.example/phish'],
    ['protocol-relative', '//evil.example/phish'],
    ['backslashed', '/\\evil.example/phish'],
    ['backslash-only', '\\\\evil.example'],
    ['javascript:', 'javascript:alert(1)'],
    ['relative without a slash', 'news/story'],
    ['with a tab', '/news/\tstory'],
    ['our own API', '/_paywall/v1/checkout'],
  ])('a %s returnTo', async (_, returnTo) => {
    const body = await expectRefusal(
      checkoutJson({ plan: 'monthly', returnTo }, { ip: freshIp() }),
      400,
      'invalid_request',
    );
    expect(body.error.message).toContain('returnTo');
  });

  it('a form with an amount typed in major units outside the bounds', async () => {
    await expectRefusal(
      checkoutForm({ customAmount: '0.50', recurring: 'once' }, { ip: freshIp() }),
      400,
      'invalid_request',
    );
    await expectRefusal(
      checkoutForm({ customAmount: 'ten', recurring: 'once' }, { ip: freshIp() }),
      400,
      'invalid_request',
    );
  });
});

describe('who may create a checkout', () => {
  it('JSON without the site API key gets 401', async () => {
    await expectRefusal(checkoutJson({ plan: 'monthly' }, { key: null }), 401, 'unauthorized');
    await expectRefusal(
      checkoutJson({ plan: 'monthly' }, { key: 'wrong-key-wrong-key' }),
      401,
      'unauthorized',
    );
  });

  it('a browser form from an origin not allowed gets 403, and so does one with no Origin', async () => {
    await expectRefusal(
      checkoutForm({ plan: 'monthly' }, { origin: 'https://evil.example' }),
      403,
      'forbidden',
    );
    await expectRefusal(checkoutForm({ plan: 'monthly' }, { origin: null }), 403, 'forbidden');
  });

  it('a form from a loopback origin passes only in local development, and Stripe returns there', async () => {
    const loopback = 'http://127.0.0.1:8789';
    await expectRefusal(
      checkoutForm({ plan: 'monthly', returnTo: '/a' }, { origin: loopback }),
      403,
      'forbidden',
    );
    const development = withBindings({ ENVIRONMENT: 'development' });
    const local = await development(
      checkoutForm({ plan: 'monthly', returnTo: '/a' }, { origin: loopback, ip: freshIp() }),
    );
    expect(local.status).toBe(303);
    const sessionId = new URL(local.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    // The reader comes back to the page's own origin (a site forwarding /_paywall/* to us).
    expect(session.success_url).toBe(
      `${loopback}/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    );
    expect(session.cancel_url).toBe(`${loopback}/a`);
    const foreign = await development(
      checkoutForm({ plan: 'monthly' }, { origin: 'https://evil.example' }),
    );
    expect(foreign.status).toBe(403);
    await foreign.body?.cancel();
  });

  it('JSON from the site server (no Origin) gets our own host as the way back', async () => {
    const response = await withBindings({})(
      checkoutJson({ plan: 'monthly', returnTo: '/b' }, { ip: freshIp() }),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const session = await stripeClient().checkout.sessions.retrieve(
      new URL(url).pathname.split('/').pop() ?? '',
    );
    expect(session.success_url?.startsWith(`${BASE}/_paywall/checkout/complete`)).toBe(true);
    expect(session.cancel_url).toBe(`${BASE}/b`);
  });
});

describe('rate limits and failures', () => {
  it('over the per-IP limit gets 429 with Retry-After', async () => {
    const limited = withBindings({
      STRIPE_API_BASE: env.TEST_CLOSED_URL,
      PAYWALL_CONFIG: { checkoutRateLimit: { perIp: 2, perReader: 100 } },
    });
    const ip = freshIp();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await limited(checkoutJson({ plan: 'monthly' }, { ip }));
      statuses.push(response.status);
      retryAfter = response.headers.get('retry-after');
    }
    // Stripe is unreachable, so the two allowed attempts fail closed (503); the third never tries.
    expect(statuses).toEqual([503, 503, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('behind a site forwarder, limits per reader address only when a site key vouches for it', async () => {
    const limited = withBindings({
      STRIPE_API_BASE: env.TEST_CLOSED_URL,
      PAYWALL_CONFIG: { checkoutRateLimit: { perIp: 1, perReader: 100 } },
    });
    // Every request arrives from the site's one egress address, as through `forward()`.
    const siteEgress = freshIp();
    const forwarded = (readerAddress: string, key: string) => {
      const request = checkoutJson({ plan: 'monthly' }, { ip: siteEgress });
      const headers = new Headers(request.headers);
      headers.set(FORWARDED_FOR, readerAddress);
      headers.set(FORWARDER_KEY, key);
      return limited(new Request(request, { headers }));
    };
    const [a, b] = [freshIp(), freshIp()];
    // Two readers behind one site: one attempt each is allowed (503: Stripe is unreachable).
    expect((await forwarded(a, API_KEY)).status).toBe(503);
    expect((await forwarded(b, API_KEY)).status).toBe(503);
    // The same reader again is over their own limit.
    expect((await forwarded(a, API_KEY)).status).toBe(429);
    // Without a valid key the header is ignored and the egress address counts. Its bucket is
    // still empty (every attempt above was vouched for), so the first unvouched attempt
    // passes and the second, claiming yet another reader, is limited.
    expect((await forwarded(freshIp(), 'not-a-site-key-0123456789')).status).toBe(503);
    expect((await forwarded(freshIp(), 'not-a-site-key-0123456789')).status).toBe(429);
  });

  it('over the per-reader limit gets 429 even from fresh IPs', async () => {
    const limited = withBindings({
      STRIPE_API_BASE: env.TEST_CLOSED_URL,
      PAYWALL_CONFIG: { checkoutRateLimit: { perIp: 100, perReader: 1 } },
    });
    const first = await limited(checkoutJson({ plan: 'monthly' }, { ip: freshIp() }));
    expect(first.status).toBe(503);
    const readerId = undefined;
    // The JSON caller passes the reader id it got from the access API; an unsigned one would
    // be replaced, so take a signed one from a peek.
    const { accessRequest } = await import('../support/worker');
    const peek = await limited(
      accessRequest({ article: { id: 'rate-limit-peek' }, consume: false }),
    );
    const rid = ((await peek.json()) as { reader: { id: string } }).reader.id;
    const a = await limited(checkoutJson({ plan: 'monthly', readerId: rid }, { ip: freshIp() }));
    const b = await limited(checkoutJson({ plan: 'monthly', readerId: rid }, { ip: freshIp() }));
    expect([a.status, b.status, readerId]).toEqual([503, 429, undefined]);
  });

  it('Redis unreachable gets 503 (checkout fails closed)', async () => {
    const down = withBindings({
      UPSTASH_REDIS_REST_URL: env.TEST_CLOSED_URL,
      STRIPE_API_BASE: env.TEST_CANARY_URL,
    });
    const before = await canaryHits();
    const response = await down(checkoutJson({ plan: 'monthly' }, { ip: freshIp() }));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'service_unavailable',
    );
    expect(await canaryHits()).toBe(before);
  });

  it('Stripe unreachable gets 503', async () => {
    const down = withBindings({ STRIPE_API_BASE: env.TEST_CLOSED_URL });
    const response = await down(checkoutJson({ plan: 'monthly' }, { ip: freshIp() }));
    expect(response.status).toBe(503);
  });
});
