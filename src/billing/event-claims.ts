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

/**
 * Marks the event done and, only if it was not done already, applies its counts: the
 * publisher's numbers move exactly once per Stripe event, however often Stripe delivers it
 * and whatever failed between the handling and this mark. KEYS[1]: the event; KEYS[2..]: the
 * hashes counted into. ARGV: the done TTL, then per hash: expireAt (ms, 0 for none), n, and
 * n label/increment pairs.
 */
export const DONE_COUNTING_SCRIPT = `
local before = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
if before == 'done' then return 0 end
local a = 2
for k = 2, #KEYS do
  local expireAt = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  a = a + 2
  for i = 1, n do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  if expireAt ~= '0' then redis.call('PEXPIREAT', KEYS[k], expireAt) end
end
return 1
`;
const doneCountingScript = defineScript(DONE_COUNTING_SCRIPT);

/** Counts applied with an event's done mark: per hash, its expiry (null: none) and increments. */
export type OnceIncrements = {
  key: string;
  expireAt: number | null;
  add: (readonly [label: string, n: number])[];
}[];

/** Stripe retries for up to 3 days; remember finished events longer than that. */
const DONE_TTL_MS = 7 * 86_400_000;

export interface EventClaims {
  claim(eventId: string): Promise<Claim>;
  /** Marks the event done; `counts` are applied in the same script, only the first time. */
  done(eventId: string, counts?: OnceIncrements): Promise<void>;
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
    async done(eventId, counts) {
      if (counts && counts.length > 0) {
        const args: (string | number)[] = [DONE_TTL_MS];
        for (const hash of counts) {
          args.push(hash.expireAt ?? 0, hash.add.length);
          for (const [label, n] of hash.add) args.push(label, n);
        }
        await withDeadline(
          doneCountingScript.run(
            redis,
            [keys.stripeEvent(eventId), ...counts.map((h) => h.key)],
            args,
          ),
          timeoutMs,
        );
        return;
      }
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
