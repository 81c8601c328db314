import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';

/**
 * Exactly-once effects for Stripe events, which arrive duplicated and concurrently:
 * an event id is claimed atomically before processing, marked done after, and released
 * if processing fails so Stripe's redelivery can try again.
 */
export type Claim = 'claimed' | 'done' | 'busy';

export const CLAIM_EVENT_SCRIPT = `
local state = redis.call('GET', KEYS[1])
if state == 'done' then return 'done' end
if state then return 'busy' end
redis.call('SET', KEYS[1], 'processing', 'PX', ARGV[1])
return 'claimed'
`;
const claimScript = defineScript(CLAIM_EVENT_SCRIPT);

/** Stripe retries for up to 3 days; remember finished events longer than that. */
const DONE_TTL_MS = 7 * 86_400_000;

export interface EventClaims {
  claim(eventId: string): Promise<Claim>;
  done(eventId: string): Promise<void>;
  release(eventId: string): Promise<void>;
}

export function createEventClaims(deps: {
  redis: Pick<Redis, 'evalsha' | 'eval' | 'set' | 'del'>;
  keys: RedisKeys;
  timeoutMs: number;
  /** A claim outlives any sane processing time, then lapses so a crashed worker cannot block. */
  processingTtlMs: number;
}): EventClaims {
  const { redis, keys, timeoutMs } = deps;
  return {
    async claim(eventId) {
      const result = await withDeadline(
        claimScript.run(redis, [keys.stripeEvent(eventId)], [deps.processingTtlMs]),
        timeoutMs,
      );
      if (result === 'claimed' || result === 'done' || result === 'busy') return result;
      throw new Error('unexpected claim reply');
    },
    async done(eventId) {
      await withDeadline(
        redis.set(keys.stripeEvent(eventId), 'done', { px: DONE_TTL_MS }),
        timeoutMs,
      );
    },
    async release(eventId) {
      await withDeadline(redis.del(keys.stripeEvent(eventId)), timeoutMs);
    },
  };
}
