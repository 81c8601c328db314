import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/encoding';
import { createSignInRateLimiter, type SignInLimitResult } from '../../src/identity/rate-limit';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';

// Sign-in rate limits against real Redis windows (@upstash/ratelimit through the worker's own
// client), on both of upstash-local's backends. Each test has its own key prefix, so its
// windows start empty; windows are long (10 minutes) so nothing slides away mid-test.

const randomId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
const randomHex = () =>
  (crypto.getRandomValues(new Uint16Array(1))[0] as number).toString(16).padStart(4, '0');
const ipv4 = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
const WINDOW_SECONDS = 600;
const GENEROUS = 1_000;

const backends = [
  ['the default Redis', () => env.UPSTASH_REDIS_REST_URL],
  ['the embedded Redis', () => env.TEST_UPSTASH_MEMORY_URL],
] as const;

describe.each(backends)('sign-in rate limits on %s', (_, url) => {
  const redis = () =>
    createRedisClient({ url: url(), token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 5_000 });
  const limiter = (
    limits: Partial<{
      perAddress: number;
      perAddressDaily: number;
      perIp: number;
      perNetwork: number;
      siteWide: number;
      verifyPerIp: number;
      verifyPerNetwork: number;
    }>,
  ) => {
    const prefix = createKeys(`${env.REDIS_KEY_PREFIX}signin-rl-${randomId()}:`).rateLimitPrefix();
    return {
      prefix,
      limits: createSignInRateLimiter({
        redis: redis(),
        prefix,
        perAddress: GENEROUS,
        perAddressDaily: GENEROUS,
        perIp: GENEROUS,
        perNetwork: GENEROUS,
        siteWide: GENEROUS,
        verifyPerIp: GENEROUS,
        verifyPerNetwork: GENEROUS,
        windowSeconds: WINDOW_SECONDS,
        timeoutMs: 5_000,
        ...limits,
      }),
    };
  };
  const expectRefused = (result: SignInLimitResult, scope: string) => {
    expect(result).toMatchObject({ ok: false, scope });
    if (result.ok) return;
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(Number.isInteger(result.retryAfterSeconds)).toBe(true);
  };

  it('per address: the limit is reached from any client, other addresses still pass', async () => {
    const { limits } = limiter({ perAddress: 3 });
    const address = randomId();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await limits.checkSend(address, ipv4()));
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expectRefused(await limits.checkSend(address, ipv4()), 'address');
    expectRefused(await limits.checkSend(address, `2001:db8:${randomHex()}::1`), 'address');
    expect(await limits.checkSend(randomId(), ipv4())).toEqual({ ok: true });
  });

  it('per client address: the limit is reached whatever the addresses mailed, other clients still pass', async () => {
    const { limits } = limiter({ perIp: 3 });
    const ip = '203.0.113.7';
    for (let i = 0; i < 3; i++)
      expect(await limits.checkSend(randomId(), ip)).toEqual({ ok: true });
    expectRefused(await limits.checkSend(randomId(), ip), 'ip');
    // Its IPv4-mapped spelling is the same client.
    expectRefused(await limits.checkSend(randomId(), `::ffff:${ip}`), 'ip');
    expect(await limits.checkSend(randomId(), '203.0.113.8')).toEqual({ ok: true });
  });

  it('every address of one IPv6 /64 shares one budget, in any spelling; the next /64 does not', async () => {
    const { limits } = limiter({ perIp: 4 });
    const net = `2001:db8:${randomHex()}:${randomHex()}`;
    const spellings = [
      `${net}::1`,
      `${net.toUpperCase()}:0:0:0:2`,
      `${net}:${randomHex()}:${randomHex()}:${randomHex()}:${randomHex()}`,
      `[${net}::4%eth0]`,
    ];
    for (const ip of spellings)
      expect(await limits.checkSend(randomId(), ip)).toEqual({ ok: true });
    expectRefused(await limits.checkSend(randomId(), `${net}::ffff`), 'ip');
    expect(await limits.checkSend(randomId(), `2001:db8:${randomHex()}:${randomHex()}::1`)).toEqual(
      {
        ok: true,
      },
    );
  });

  it('site-wide: a ceiling whatever the addresses and clients', async () => {
    const { limits } = limiter({ siteWide: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await limits.checkSend(randomId(), `192.0.2.${10 + i}`)).toEqual({ ok: true });
    }
    expectRefused(await limits.checkSend(randomId(), '192.0.2.99'), 'site');
  });

  it('site-wide is not spent by requests refused by their own address or client limit', async () => {
    const { limits } = limiter({ perAddress: 1, perIp: 2, siteWide: 3 });
    const address = randomId();
    expect(await limits.checkSend(address, '192.0.2.1')).toEqual({ ok: true }); // site: 1
    for (let i = 0; i < 5; i++) expectRefused(await limits.checkSend(address, ipv4()), 'address');
    expect(await limits.checkSend(randomId(), '192.0.2.2')).toEqual({ ok: true }); // site: 2
    expect(await limits.checkSend(randomId(), '192.0.2.2')).toEqual({ ok: true }); // site: 3
    for (let i = 0; i < 5; i++)
      expectRefused(await limits.checkSend(randomId(), '192.0.2.2'), 'ip');
    // Had any refused request counted, the site-wide window would be full already.
    expectRefused(await limits.checkSend(randomId(), '192.0.2.3'), 'site');
  });

  it('checks are limited per client (IPv6 by /64) and spend nothing of the send budget', async () => {
    const { limits } = limiter({ verifyPerIp: 5, perIp: 1 });
    const net = `2001:db8:${randomHex()}:${randomHex()}`;
    for (let i = 1; i <= 5; i++)
      expect(await limits.checkVerify(`${net}::${i}`)).toEqual({ ok: true });
    expectRefused(await limits.checkVerify(`${net}::99`), 'ip');
    expect(await limits.checkVerify(ipv4())).toEqual({ ok: true });
    // Sending from the same /64 has its own window.
    expect(await limits.checkSend(randomId(), `${net}::1`)).toEqual({ ok: true });
    expectRefused(await limits.checkSend(randomId(), `${net}::2`), 'ip');
    // And sending spent nothing of checking's window for another client.
    const other = `2001:db8:${randomHex()}:${randomHex()}::1`;
    expect(await limits.checkSend(randomId(), other)).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) expect(await limits.checkVerify(other)).toEqual({ ok: true });
    expectRefused(await limits.checkVerify(other), 'ip');
  });

  it('an address has a 24-hour budget beyond its window', async () => {
    const { limits } = limiter({ perAddress: 100, perAddressDaily: 2 });
    const address = randomId();
    expect(await limits.checkSend(address, ipv4())).toEqual({ ok: true });
    expect(await limits.checkSend(address, ipv4())).toEqual({ ok: true });
    const refused = await limits.checkSend(address, ipv4());
    expect(refused).toMatchObject({ ok: false, scope: 'address' });
    // Retry when the day's window moves on (its buckets are UTC days): at most a day.
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    expect(await limits.checkSend(randomId(), ipv4())).toEqual({ ok: true });
  });

  it('one /48 shares a budget for codes sent and for checks, however many /64s it spans', async () => {
    const { limits } = limiter({ perIp: 1, perNetwork: 3, verifyPerIp: 5, verifyPerNetwork: 6 });
    const net = `2001:db8:${(Math.floor(Math.random() * 60_000) + 1).toString(16)}`;
    for (let i = 1; i <= 3; i++) {
      expect(await limits.checkSend(randomId(), `${net}:${i.toString(16)}::1`)).toEqual({
        ok: true,
      });
    }
    expectRefused(await limits.checkSend(randomId(), `${net}:ff::1`), 'network');
    for (let i = 1; i <= 6; i++) {
      expect(await limits.checkVerify(`${net}:${(100 + i).toString(16)}::1`)).toEqual({ ok: true });
    }
    expectRefused(await limits.checkVerify(`${net}:1ff::1`), 'network');
  });

  it('Retry-After counts from the window, by the injected clock', async () => {
    const prefix = createKeys(`${env.REDIS_KEY_PREFIX}signin-rl-${randomId()}:`).rateLimitPrefix();
    const make = (now: () => number) =>
      createSignInRateLimiter({
        redis: redis(),
        prefix,
        perAddress: 1,
        perAddressDaily: GENEROUS,
        perIp: GENEROUS,
        perNetwork: GENEROUS,
        siteWide: GENEROUS,
        verifyPerIp: GENEROUS,
        verifyPerNetwork: GENEROUS,
        windowSeconds: WINDOW_SECONDS,
        timeoutMs: 5_000,
        now,
      });
    const address = randomId();
    expect(await make(Date.now).checkSend(address, ipv4())).toEqual({ ok: true });
    const refusedNow = await make(Date.now).checkSend(address, ipv4());
    expectRefused(refusedNow, 'address');
    // A clock far past the window's end still answers a positive wait.
    const late = await make(() => Date.now() + 10 * WINDOW_SECONDS * 1000).checkSend(
      address,
      ipv4(),
    );
    expect(late).toEqual({ ok: false, scope: 'address', retryAfterSeconds: 1 });
  });

  it('windows live under {prefix}rl:signin-…, keyed by the address key and the client network', async () => {
    const { limits, prefix } = limiter({});
    const address = randomId();
    expect(prefix.endsWith('rl')).toBe(true);
    await limits.checkSend(address, '2001:db8:1:2:3:4:5:6');
    await limits.checkVerify('192.0.2.44');
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis().scan(cursor, { match: `${prefix}:*`, count: 1000 });
      found.push(...keys);
      cursor = String(next);
    } while (cursor !== '0');
    const scopes = found.map((k) => k.slice(prefix.length + 1)).sort();
    expect(scopes.some((k) => k.startsWith(`signin-address:${address}:`))).toBe(true);
    expect(scopes.some((k) => k.startsWith('signin-ip:6:2001:0db8:0001:0002::/64:'))).toBe(true);
    expect(scopes.some((k) => k.startsWith('signin-site:all:'))).toBe(true);
    expect(scopes.some((k) => k.startsWith('signin-verify-ip:4:192.0.2.44:'))).toBe(true);
    expect(scopes.some((k) => k.startsWith(`signin-address-day:${address}:`))).toBe(true);
    expect(scopes.some((k) => k.startsWith('signin-net:6:2001:0db8:0001::/48:'))).toBe(true);
    expect(scopes.some((k) => k.startsWith('signin-verify-net:4:192.0.2.44:'))).toBe(true);
    for (const k of scopes) {
      expect(k).toMatch(/^signin-(address|address-day|ip|net|site|verify-ip|verify-net):/);
    }
  });
});

describe.each([
  ['unreachable (connection refused)', () => env.TEST_CLOSED_URL],
  ['hanging (accepts, never answers)', () => env.TEST_HANGING_URL],
])('sign-in rate limits with Redis %s fail closed', (_, url) => {
  const limits = () =>
    createSignInRateLimiter({
      redis: createRedisClient({ url: url(), token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 300 }),
      prefix: createKeys(`${env.REDIS_KEY_PREFIX}signin-rl-${randomId()}:`).rateLimitPrefix(),
      perAddress: 5,
      perAddressDaily: 10,
      perIp: 20,
      perNetwork: 40,
      siteWide: 1_000,
      verifyPerIp: 60,
      verifyPerNetwork: 120,
      windowSeconds: 900,
      timeoutMs: 300,
    });

  it('checkSend throws', async () => {
    await expect(limits().checkSend(randomId(), '192.0.2.1')).rejects.toThrow();
  });

  it('checkVerify throws', async () => {
    await expect(limits().checkVerify('192.0.2.1')).rejects.toThrow();
  });
});
