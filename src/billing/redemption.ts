import type { ScriptRunner } from '../redis/client';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';

/**
 * A Checkout Session's success URL is a bearer link: it sits in browser history, in logs and
 * in whatever the reader pastes it into. Each session therefore hands out the entitlement
 * cookie once, to one reader id: the first redemption claims `checkout-redeemed:{sessionId}`
 * atomically and remembers who it went to, so a reload by that browser is told apart from
 * anyone else presenting the same link.
 */
export type Redemption =
  /** This call claimed the session: issue the entitlement cookie now. */
  | 'redeemed'
  /** The same reader redeemed it before (a reload, the back button): issue nothing new. */
  | 'redeemed_before'
  /** Another reader id holds it: issue nothing. */
  | 'redeemed_elsewhere';

export interface CheckoutRedemptions {
  redeem(sessionId: string, readerId: string): Promise<Redemption>;
}

/**
 * KEYS[1] = checkout-redeemed key; ARGV = reader id, ttl ms. One round trip, atomic: the
 * holder is never overwritten, and two concurrent first visits cannot both claim.
 */
export const REDEEM_SESSION_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder then return 'held:' .. holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'claimed'
`;
const redeemScript = defineScript(REDEEM_SESSION_SCRIPT);

export function createCheckoutRedemptions(deps: {
  redis: ScriptRunner;
  keys: RedisKeys;
  timeoutMs: number;
  /** How long a redemption is remembered (the entitlement cookie's own lifetime). */
  ttlMs: number;
}): CheckoutRedemptions {
  const { redis, keys, timeoutMs, ttlMs } = deps;
  return {
    async redeem(sessionId, readerId) {
      const reply = await withDeadline(
        redeemScript.run(redis, [keys.checkoutRedeemed(sessionId)], [readerId, ttlMs]),
        timeoutMs,
      );
      if (reply === 'claimed') return 'redeemed';
      if (typeof reply === 'string' && reply.startsWith('held:')) {
        return sameText(reply.slice('held:'.length), readerId)
          ? 'redeemed_before'
          : 'redeemed_elsewhere';
      }
      // Anything else is a reply we do not understand: fail closed, as for an outage.
      throw new Error('unexpected redemption reply');
    },
  };
}

/** Compares without an early exit, so timing says nothing about how much of an id matched. */
export function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
