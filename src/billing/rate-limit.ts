import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';

/**
 * Checkout creation is rate-limited per client IP and per reader (sliding window, one
 * minute). The limiter fails closed: if Redis does not answer in time, checkout answers 503
 * (DESIGN.md's failure policy), so the limiter's own fail-open timeout is turned off.
 */
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface CheckoutRateLimiter {
  check(ip: string, readerId: string): Promise<RateLimitResult>;
}

export function createCheckoutRateLimiter(deps: {
  redis: Redis;
  prefix: string;
  perIp: number;
  perReader: number;
  timeoutMs: number;
}): CheckoutRateLimiter {
  const make = (limit: number, scope: string) =>
    new Ratelimit({
      redis: deps.redis,
      limiter: Ratelimit.slidingWindow(limit, '60 s'),
      prefix: `${deps.prefix}:${scope}`,
      timeout: 0,
      analytics: false,
      ephemeralCache: false,
    });
  const byIp = make(deps.perIp, 'checkout-ip');
  const byReader = make(deps.perReader, 'checkout-reader');
  return {
    async check(ip, readerId) {
      const [a, b] = await withDeadline(
        Promise.all([byIp.limit(ip), byReader.limit(readerId)]),
        deps.timeoutMs * 2,
      );
      if (a.success && b.success) return { ok: true };
      const reset = Math.max(a.success ? 0 : a.reset, b.success ? 0 : b.reset);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((reset - Date.now()) / 1000)) };
    },
  };
}
