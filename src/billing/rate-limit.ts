import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';
import { rateLimitKeyForIp } from './rate-limit-key';

/**
 * Checkout creation is rate-limited per client address (IPv6 by its /64), per reader, and
 * site-wide (sliding windows of one minute). The site-wide ceiling bounds card testing
 * however many addresses and reader ids an attacker rotates through. The limiter fails
 * closed: if Redis does not answer in time, checkout answers 503 (never a session created
 * unchecked), so the limiter's own fail-open timeout is turned off.
 *
 * The site-wide window is consulted only once the address and the reader are within theirs,
 * so one abusive address (refused by its own limit) cannot spend everyone's budget: that
 * costs a second Redis round trip on the accepted path only, which precedes a Stripe call
 * hundreds of milliseconds long anyway.
 */
export type RateLimitScope = 'ip' | 'reader' | 'site';
export type RateLimitResult =
  | { ok: true }
  | { ok: false; scope: RateLimitScope; retryAfterSeconds: number };

export interface CheckoutRateLimiter {
  check(ip: string, readerId: string): Promise<RateLimitResult>;
}

/** The one key of the site-wide window. */
export const SITE_WIDE_KEY = 'all';

export function createCheckoutRateLimiter(deps: {
  redis: Redis;
  prefix: string;
  perIp: number;
  perReader: number;
  siteWide: number;
  timeoutMs: number;
  now?: () => number;
}): CheckoutRateLimiter {
  const now = deps.now ?? Date.now;
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
  const site = make(deps.siteWide, 'checkout-site');
  const refused = (scope: RateLimitScope, reset: number): RateLimitResult => ({
    ok: false,
    scope,
    retryAfterSeconds: Math.max(1, Math.ceil((reset - now()) / 1000)),
  });
  return {
    async check(ip, readerId) {
      const [a, b] = await withDeadline(
        Promise.all([byIp.limit(rateLimitKeyForIp(ip)), byReader.limit(readerId)]),
        deps.timeoutMs * 2,
      );
      if (!a.success || !b.success) {
        const reset = Math.max(a.success ? 0 : a.reset, b.success ? 0 : b.reset);
        return refused(a.success ? 'reader' : 'ip', reset);
      }
      const s = await withDeadline(site.limit(SITE_WIDE_KEY), deps.timeoutMs * 2);
      return s.success ? { ok: true } : refused('site', s.reset);
    },
  };
}
