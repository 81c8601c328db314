import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';
import { rateLimitKeyForIp, rateLimitNetworkKeyForIp } from './rate-limit-key';

/**
 * Checkout creation is rate-limited per client address (IPv6 by its /64), per network (IPv6
 * by its /48; IPv4 by the address), per reader, and site-wide (sliding windows of one
 * minute). The site-wide ceiling bounds card testing however many addresses and reader ids
 * an attacker rotates through; the per-network limit keeps one /48 (65,536 /64s, each under
 * its own limit, each cookieless post a fresh reader) from filling that ceiling for everyone. The limiter fails
 * closed: if Redis does not answer in time, checkout answers 503 (never a session created
 * unchecked), so the limiter's own fail-open timeout is turned off.
 *
 * The site-wide window is consulted only once the address, its network and the reader are
 * within theirs, so one abusive address or network (refused by its own limit) cannot spend
 * everyone's budget: that
 * costs a second Redis round trip on the accepted path only, which precedes a Stripe call
 * hundreds of milliseconds long anyway.
 */
export type RateLimitScope = 'ip' | 'network' | 'reader' | 'site';
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
  perNetwork: number;
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
  // A network is at least one address: never held tighter than one, so a deployment that
  // raised `perIp` (one IPv4 address is its own network) is not newly capped by the default.
  const byNetwork = make(Math.max(deps.perNetwork, deps.perIp), 'checkout-net');
  const byReader = make(deps.perReader, 'checkout-reader');
  const site = make(deps.siteWide, 'checkout-site');
  const refused = (scope: RateLimitScope, reset: number): RateLimitResult => ({
    ok: false,
    scope,
    retryAfterSeconds: Math.max(1, Math.ceil((reset - now()) / 1000)),
  });
  return {
    async check(ip, readerId) {
      const windows = await withDeadline(
        Promise.all([
          byIp.limit(rateLimitKeyForIp(ip)).then((r) => ({ scope: 'ip' as const, ...r })),
          byNetwork
            .limit(rateLimitNetworkKeyForIp(ip))
            .then((r) => ({ scope: 'network' as const, ...r })),
          byReader.limit(readerId).then((r) => ({ scope: 'reader' as const, ...r })),
        ]),
        deps.timeoutMs * 2,
      );
      const over = windows.filter((w) => !w.success);
      const first = over[0];
      // Retry once every window that refused has room again.
      if (first) return refused(first.scope, Math.max(...over.map((w) => w.reset)));
      const s = await withDeadline(site.limit(SITE_WIDE_KEY), deps.timeoutMs * 2);
      return s.success ? { ok: true } : refused('site', s.reset);
    },
  };
}
