import { type Duration, Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { rateLimitKeyForIp } from '../billing/rate-limit-key';
import { withDeadline } from '../redis/deadline';

/**
 * Sign-in rate limits, sliding windows of `windowSeconds` (as checkout's, src/billing/
 * rate-limit.ts):
 * - sending a code: per address key (no one's inbox is flooded, and each address gets a
 *   bounded number of codes, so of guesses: `perAddress` codes x 5 attempts a window), per
 *   client address (IPv6 by its /64, so one line cannot mail the world), and site-wide (a
 *   ceiling on the mail we send, whatever the addresses);
 * - checking a code: per client address only; each code already allows 5 attempts.
 *
 * The site-wide window is consulted only once the address and the client are within theirs,
 * so one abusive client (refused by its own limit) cannot spend everyone's budget. The
 * limiter fails closed: when Redis does not answer in time the call throws and the caller
 * answers 503 (no code mailed or checked unlimited), so @upstash/ratelimit's own fail-open
 * timeout is turned off.
 */
export type SignInLimitScope = 'address' | 'ip' | 'site';
export type SignInLimitResult =
  | { ok: true }
  | { ok: false; scope: SignInLimitScope; retryAfterSeconds: number };

export interface SignInRateLimiter {
  /** Before a code is sent: per address key, per client IP (IPv6 by /64), site-wide. */
  checkSend(addressKey: string, ip: string): Promise<SignInLimitResult>;
  /** Before a code is checked: per client IP only (codes already allow 5 attempts each). */
  checkVerify(ip: string): Promise<SignInLimitResult>;
}

/** The one key of the site-wide window. */
const SITE_WIDE_KEY = 'all';

export function createSignInRateLimiter(deps: {
  redis: Redis;
  /** `keys.rateLimitPrefix()`: windows live at `{prefix}:signin-…:{identifier}`. */
  prefix: string;
  perAddress: number;
  perIp: number;
  siteWide: number;
  verifyPerIp: number;
  windowSeconds: number;
  timeoutMs: number;
  now?: () => number;
}): SignInRateLimiter {
  const now = deps.now ?? Date.now;
  const window: Duration = `${deps.windowSeconds} s`;
  const make = (limit: number, scope: string) =>
    new Ratelimit({
      redis: deps.redis,
      limiter: Ratelimit.slidingWindow(limit, window),
      prefix: `${deps.prefix}:${scope}`,
      timeout: 0,
      analytics: false,
      ephemeralCache: false,
    });
  const byAddress = make(deps.perAddress, 'signin-address');
  const byIp = make(deps.perIp, 'signin-ip');
  const site = make(deps.siteWide, 'signin-site');
  const verifyByIp = make(deps.verifyPerIp, 'signin-verify-ip');
  // A window's script may need EVALSHA then EVAL: two round trips.
  const deadline = deps.timeoutMs * 2;
  const refused = (scope: SignInLimitScope, reset: number): SignInLimitResult => ({
    ok: false,
    scope,
    retryAfterSeconds: Math.max(1, Math.ceil((reset - now()) / 1000)),
  });

  return {
    async checkSend(addressKey, ip) {
      const windows = await withDeadline(
        Promise.all([
          byAddress.limit(addressKey).then((r) => ({ scope: 'address' as const, ...r })),
          byIp.limit(rateLimitKeyForIp(ip)).then((r) => ({ scope: 'ip' as const, ...r })),
        ]),
        deadline,
      );
      const over = windows.filter((w) => !w.success);
      const first = over[0];
      // Retry once every window that refused has room again.
      if (first) return refused(first.scope, Math.max(...over.map((w) => w.reset)));
      const s = await withDeadline(site.limit(SITE_WIDE_KEY), deadline);
      return s.success ? { ok: true } : refused('site', s.reset);
    },

    async checkVerify(ip) {
      const r = await withDeadline(verifyByIp.limit(rateLimitKeyForIp(ip)), deadline);
      return r.success ? { ok: true } : refused('ip', r.reset);
    },
  };
}
