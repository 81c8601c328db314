import { describe, expect, it as vitestIt } from 'vitest';
import { checkoutJson } from '../support/checkout';
import { isolatedWorker } from '../support/isolated-stripe';

// Checkout rate limits against the real Redis window and the Stripe emulator: over a limit
// the answer is 429 with Retry-After, and nothing more is created at Stripe.

/**
 * The limits are @upstash/ratelimit sliding windows of 60 s, which weigh the previous window's
 * count rounded down: right after a window ends, a limit of n lets one more request through.
 * So a case that fails having crossed a window boundary (by this clock, the worker's too) runs
 * again, twice at most, with fresh state; one that fails within one window fails. No case
 * races the clock, and none is retried for any other reason.
 */
async function inOneWindow(run: () => Promise<void>): Promise<void> {
  const windowNow = () => Math.floor(Date.now() / 60_000);
  for (let attempt = 1; ; attempt++) {
    const started = windowNow();
    try {
      return await run();
    } catch (error) {
      if (windowNow() === started || attempt === 3) throw error;
    }
  }
}
const it = Object.assign(
  (name: string, fn: () => Promise<void>) => vitestIt(name, () => inOneWindow(fn)),
  {
    each:
      <A, B>(cases: [A, B][]) =>
      (name: string, fn: (a: A, b: B) => Promise<void>) =>
        vitestIt.each(cases)(name, (a, b) => inOneWindow(() => fn(a, b))),
  },
);

const randomHex = () => crypto.getRandomValues(new Uint16Array(1))[0]?.toString(16) ?? '1';

async function post(fetcher: (r: Request) => Promise<Response>, ip: string) {
  const response = await fetcher(checkoutJson({ plan: 'monthly', returnTo: '/r' }, { ip }));
  return { status: response.status, retryAfter: response.headers.get('retry-after'), response };
}

describe('per-address limit: every address of one IPv6 /64 shares one budget', () => {
  // The /64 is stepped through with a different spelling each time.
  const spellings = (prefix: string) => [
    (i: number) => `${prefix}::${(i + 1).toString(16)}`,
    (i: number) => `${prefix.toUpperCase()}:0:0:0:${(i + 1).toString(16).toUpperCase()}`,
    (i: number) => `${prefix}:${randomHex()}:${randomHex()}:${randomHex()}:${i + 1}`,
    (i: number) => `[${prefix}::${(i + 1).toString(16)}%eth0]`,
  ];

  it('the 21st checkout from 21 different addresses in the same /64 is 429; Stripe saw 20', async () => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 20, perReader: 1_000, siteWide: 1_000 },
    });
    const prefix = `2001:db8:${randomHex()}:${randomHex()}`;
    const forms = spellings(prefix);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const spell = forms[i % forms.length] as (i: number) => string;
      statuses.push((await post(iso.fetcher, spell(i))).status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    const over = await post(iso.fetcher, `${prefix}::ffff`);
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThanOrEqual(1);
    const body = (await over.response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(await iso.sessionCount()).toBe(20);
    // The neighbouring /64 is a different line: it still gets through.
    expect((await post(iso.fetcher, `2001:db8:${randomHex()}:ffff::1`)).status).toBe(200);
  });

  it.each([
    ['dotted', (ip: string) => ip],
    ['IPv4-mapped', (ip: string) => `::ffff:${ip}`],
    ['IPv4-mapped, hex', (ip: string) => mappedHex(ip)],
  ])('an IPv4 address and its IPv6 spellings share one budget (%s second)', async (_, respell) => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 1, perReader: 1_000, siteWide: 1_000 },
    });
    const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    expect((await post(iso.fetcher, ip)).status).toBe(200);
    expect((await post(iso.fetcher, respell(ip))).status).toBe(429);
    expect(await iso.sessionCount()).toBe(1);
  });
});

describe('per-network limit: one IPv6 /48 cannot fill the site-wide ceiling', () => {
  // Three /64s of one /48, each stepped through with fresh addresses and spellings, every
  // post cookieless (a fresh reader id each time): each /64 stays under its own limit.
  const network = () => `2001:db8:${randomHex()}`;
  const addressesIn = (net: string, count: number) =>
    ['1', 'beef', 'FFFF'].flatMap((subnet, s) =>
      Array.from(
        { length: count },
        (_, i) =>
          [
            `${net}:${subnet}::${(i + 1).toString(16)}`,
            `[${net.toUpperCase()}:${subnet}:0:0:0:${(i + 1).toString(16)}%eth${s}]`,
            `${net}:${subnet}:${randomHex()}:${randomHex()}:${randomHex()}:${i + 1}`,
          ][i % 3],
      ),
    );

  it('3 /64s x 5 addresses: at most perNetwork sessions, then a reader elsewhere still gets one', async () => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 5, perNetwork: 8, perReader: 1_000, siteWide: 10 },
    });
    const statuses: number[] = [];
    const refusals: (string | null)[] = [];
    for (const ip of addressesIn(network(), 5)) {
      const result = await post(iso.fetcher, ip as string);
      statuses.push(result.status);
      if (result.status === 429) {
        refusals.push(result.retryAfter);
        const body = (await result.response.json()) as { error: { code: string } };
        expect(body.error.code).toBe('rate_limited');
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    for (const retryAfter of refusals) {
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    }
    expect(await iso.sessionCount()).toBe(8);
    // The site-wide budget (10) was not spent by the refused attempts: other readers pass.
    expect((await post(iso.fetcher, '198.51.100.77')).status).toBe(200);
    expect((await post(iso.fetcher, `${network()}:1::1`)).status).toBe(200);
    expect(await iso.sessionCount()).toBe(10);
  });

  it('with the shipped defaults (20 per /64, 40 per /48, 60 site-wide) a /48 leaves room for everyone else', async () => {
    const iso = await isolatedWorker({});
    const statuses: number[] = [];
    for (const ip of addressesIn(network(), 20)) {
      statuses.push((await post(iso.fetcher, ip as string)).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect((await post(iso.fetcher, '192.0.2.123')).status).toBe(200);
    expect(await iso.sessionCount()).toBe(41);
  });

  it.each([
    ['IPv4: the address is its own network', (i: number) => `192.0.2.${10 + i}`],
    ['IPv4-mapped spellings of different addresses', (i: number) => `::ffff:192.0.2.${40 + i}`],
  ])('%s (not its /24)', async (_, address) => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 1, perNetwork: 1, perReader: 1_000, siteWide: 1_000 },
    });
    for (let i = 0; i < 4; i++) expect((await post(iso.fetcher, address(i))).status).toBe(200);
  });

  it('a network is never held tighter than one address (perIp above perNetwork)', async () => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 4, perNetwork: 2, perReader: 1_000, siteWide: 1_000 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(iso.fetcher, '203.0.113.9')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('perNetwork is validated configuration', async () => {
    for (const perNetwork of [0, -1, 2.5, '40', 10_001]) {
      const iso = await isolatedWorker({ checkoutRateLimit: { perNetwork } });
      const response = await iso.fetcher(checkoutJson({ plan: 'monthly' }, { ip: '192.0.2.1' }));
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_configuration');
      expect(body.error.message).toContain('checkoutRateLimit.perNetwork');
    }
  });
});

describe('site-wide ceiling: bounds card testing whatever the addresses', () => {
  it('over the ceiling from fresh addresses and readers: 429 with Retry-After, nothing created', async () => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 100, perReader: 100, siteWide: 3 },
    });
    // Every attempt from another address family, another /64, another reader.
    const addresses = [
      '192.0.2.10',
      '2001:db8:1:1::1',
      '192.0.2.11',
      '2001:db8:1:2::1',
      '::ffff:192.0.2.12',
    ];
    const results = [];
    for (const ip of addresses) results.push(await post(iso.fetcher, ip));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    for (const r of results.slice(3)) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
    }
    expect(await iso.sessionCount()).toBe(3);
  });

  it('one address refused by its own limit does not spend the site-wide budget', async () => {
    const iso = await isolatedWorker({
      checkoutRateLimit: { perIp: 1, perReader: 100, siteWide: 2 },
    });
    const abuser = '203.0.113.66';
    const hammering = [];
    for (let i = 0; i < 6; i++) hammering.push((await post(iso.fetcher, abuser)).status);
    expect(hammering).toEqual([200, 429, 429, 429, 429, 429]);
    // One honest reader still gets through; the next one meets the ceiling.
    expect((await post(iso.fetcher, '203.0.113.67')).status).toBe(200);
    expect((await post(iso.fetcher, '203.0.113.68')).status).toBe(429);
    expect(await iso.sessionCount()).toBe(2);
  });

  it('the ceiling is validated configuration', async () => {
    for (const siteWide of [0, -1, 1.5, '60', 100_001]) {
      const iso = await isolatedWorker({ checkoutRateLimit: { siteWide } });
      const response = await iso.fetcher(checkoutJson({ plan: 'monthly' }, { ip: '192.0.2.1' }));
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_configuration');
      expect(body.error.message).toContain('checkoutRateLimit.siteWide');
    }
  });
});

function mappedHex(ip: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}
