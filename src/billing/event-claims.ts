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

/**
 * Marks the event done and, only the first time, applies its counts: the publisher's numbers
 * move exactly once per Stripe event, however often Stripe delivers it and whatever failed
 * between the handling and this mark, and once per `once` key (the session a payment paid,
 * the subscription a cancellation ended), so two events about the same payment count it once.
 * KEYS[1]: the event; KEYS[2]: the once key; KEYS[3..]: the hashes written. ARGV: the done
 * TTL, the once key's TTL, then per hash: expireAt (ms, 0 for none), then three lists, each
 * a length and its items: label/increment pairs (HINCRBY), field/value pairs (HSET), fields
 * (HDEL).
 */
const DONE_COUNTING_SCRIPT = `
local before = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
if before == 'done' then return 0 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 0 end
local a = 3
for k = 3, #KEYS do
  local expireAt = ARGV[a]
  a = a + 1
  local n = tonumber(ARGV[a])
  a = a + 1
  for i = 1, n do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  n = tonumber(ARGV[a])
  a = a + 1
  for i = 1, n do
    redis.call('HSET', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  n = tonumber(ARGV[a])
  a = a + 1
  for i = 1, n do
    redis.call('HDEL', KEYS[k], ARGV[a])
    a = a + 1
  end
  if expireAt ~= '0' then redis.call('PEXPIREAT', KEYS[k], expireAt) end
end
return 1
`;
const doneCountingScript = defineScript(DONE_COUNTING_SCRIPT);

/**
 * Releases a claim only while it is still a claim: a `done` mark set by a done script that
 * landed although its caller gave up waiting (or by another delivery after this claim lapsed)
 * stays, so Stripe's redelivery is a duplicate, not a second count.
 */
const RELEASE_CLAIM_SCRIPT = `
if redis.call('GET', KEYS[1]) == 'processing' then return redis.call('DEL', KEYS[1]) end
return 0
`;
const releaseScript = defineScript(RELEASE_CLAIM_SCRIPT);

/** What an event's done mark writes, once: per hash, its expiry (null: none) and its changes. */
export interface OnceWrites {
  /** Counted at most once per this key (a Checkout Session, a subscription), for `ttlMs`. */
  once: { key: string; ttlMs: number };
  hashes: {
    key: string;
    expireAt: number | null;
    add?: (readonly [label: string, n: number])[];
    set?: (readonly [field: string, value: string])[];
    del?: string[];
  }[];
}

export interface EventClaims {
  claim(eventId: string): Promise<Claim>;
  /** Marks the event done; `writes` are applied in the same script, only the first time. */
  done(eventId: string, writes?: OnceWrites): Promise<void>;
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
    async done(eventId, writes) {
      if (writes && writes.hashes.length > 0) {
        const args: (string | number)[] = [DONE_TTL_MS, writes.once.ttlMs];
        for (const hash of writes.hashes) {
          const add = hash.add ?? [];
          const set = hash.set ?? [];
          const del = hash.del ?? [];
          args.push(hash.expireAt ?? 0, add.length, ...add.flat());
          args.push(set.length, ...set.flat(), del.length, ...del);
        }
        const scriptKeys = [
          keys.stripeEvent(eventId),
          writes.once.key,
          ...writes.hashes.map((h) => h.key),
        ];
        await withDeadline(doneCountingScript.run(redis, scriptKeys, args), timeoutMs);
        return;
      }
      await withDeadline(
        redis.set(keys.stripeEvent(eventId), 'done', { px: DONE_TTL_MS }),
        timeoutMs,
      );
    },
    async release(eventId) {
      await withDeadline(releaseScript.run(redis, [keys.stripeEvent(eventId)], []), timeoutMs);
    },
  };
}
