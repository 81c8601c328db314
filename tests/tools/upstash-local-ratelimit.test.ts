import { env } from 'cloudflare:workers';
import { Ratelimit } from '@upstash/ratelimit';
import { describe, expect, it } from 'vitest';
import { client, TARGETS } from './upstash-local-support';

// @upstash/ratelimit against upstash-local: its scripts start with an Upstash-only shebang
// flag, run by EVALSHA with an EVAL fallback, read nil as false inside arrays, and must be
// atomic. Five concurrent requests against a limit of three: exactly three get through.
// The requests start in the same tick, so workerd's clock gives them the same window.

const LIMITERS = [
  { name: 'slidingWindow(3, "10 s")', limiter: () => Ratelimit.slidingWindow(3, '10 s') },
  { name: 'fixedWindow(3, "10 s")', limiter: () => Ratelimit.fixedWindow(3, '10 s') },
  { name: 'tokenBucket(1, "10 s", 3)', limiter: () => Ratelimit.tokenBucket(1, '10 s', 3) },
];

describe.each(TARGETS)('@upstash/ratelimit on upstash-local $name', ({ url }) => {
  it.each(LIMITERS)('$name lets exactly 3 of 5 requests through', async ({ limiter }) => {
    const ratelimit = new Ratelimit({
      redis: client(url),
      limiter: limiter(),
      // Keys expire on their own (the scripts set PEXPIRE), so nothing is left behind.
      prefix: `${env.REDIS_KEY_PREFIX}ratelimit:${crypto.randomUUID().slice(0, 8)}`,
      // Without this, a denied identifier is answered from memory without asking Redis.
      ephemeralCache: false,
      analytics: false,
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => ratelimit.limit('reader')));
    expect(results.filter((r) => r.success)).toHaveLength(3);
    expect(results.every((r) => r.limit === 3)).toBe(true);
    expect(Math.min(...results.map((r) => r.remaining))).toBe(0);
    const remaining = await ratelimit.getRemaining('reader');
    expect(remaining.remaining).toBe(0);
    // Another identifier has its own budget.
    expect((await ratelimit.limit('someone-else')).success).toBe(true);
  });
});
