import { type Duration, Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis/cloudflare';
import { rateLimitKeyForIp, rateLimitNetworkKeyForIp } from '../billing/rate-limit-key';
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
export type SignInLimitScope = 'address' | 'ip' | 'network' | 'site';
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
  /** Codes per address in 24 hours, on top of the window's. */
  perAddressDaily: number;
  perIp: number;
  /** Per IPv6 /48 (an IPv4 address is its own network), for codes sent. */
  perNetwork: number;
  verifyPerNetwork: number;
  siteWide: number;
  verifyPerIp: number;
  windowSeconds: number;
  timeoutMs: number;
  now?: () => number;
}): SignInRateLimiter {
  const now = deps.now ?? Date.now;
  const window: Duration = `${deps.windowSeconds} s`;
  const make = (limit: number, scope: string, within: Duration = window) =>
    new Ratelimit({
      redis: deps.redis,
      limiter: Ratelimit.slidingWindow(limit, within),
      prefix: `${deps.prefix}:${scope}`,
      timeout: 0,
      analytics: false,
      ephemeralCache: false,
    });
  const byAddress = make(deps.perAddress, 'signin-address');
  // A day as well: five codes every window would still be 2,400 guesses (and 480 e-mails) a
  // day at one chosen address.
  const byAddressDaily = make(deps.perAddressDaily, 'signin-address-day', '86400 s');
  const byIp = make(deps.perIp, 'signin-ip');
  // A /48 is 65,536 /64s, each with its own per-IP budget: the network has one budget too.
  const byNetwork = make(Math.max(deps.perNetwork, deps.perIp), 'signin-net');
  const site = make(deps.siteWide, 'signin-site');
  const verifyByIp = make(deps.verifyPerIp, 'signin-verify-ip');
  const verifyByNetwork = make(
    Math.max(deps.verifyPerNetwork, deps.verifyPerIp),
    'signin-verify-net',
  );
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
          byAddressDaily.limit(addressKey).then((r) => ({ scope: 'address' as const, ...r })),
          byIp.limit(rateLimitKeyForIp(ip)).then((r) => ({ scope: 'ip' as const, ...r })),
          byNetwork
            .limit(rateLimitNetworkKeyForIp(ip))
            .then((r) => ({ scope: 'network' as const, ...r })),
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
      const windows = await withDeadline(
        Promise.all([
          verifyByIp.limit(rateLimitKeyForIp(ip)).then((r) => ({ scope: 'ip' as const, ...r })),
          verifyByNetwork
            .limit(rateLimitNetworkKeyForIp(ip))
            .then((r) => ({ scope: 'network' as const, ...r })),
        ]),
        deadline,
      );
      const over = windows.filter((w) => !w.success);
      const first = over[0];
      return first ? refused(first.scope, Math.max(...over.map((w) => w.reset))) : { ok: true };
    },
  };
}
