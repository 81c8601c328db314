import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';
import { type SubscriberRecord, subscriberRecordSchema } from './record';

/**
 * Subscriber records in Redis: one JSON string per subscriber, plus index keys from the
 * Stripe customer, the Stripe subscription and the site's user id to the subscriber id.
 * Reads are bounded by our own deadline like every Redis call.
 */
export interface SubscriberStore {
  /** One GET: the refresh path's only Redis command. */
  get(subscriberId: string): Promise<SubscriberRecord | null>;
  findByUser(userKey: string): Promise<SubscriberRecord | null>;
  /**
   * The account's linked support. With a `sessionId`, only while that sign-in is alive
   * (`account-session:{sessionId}` names the account): one MGET reads both, then one GET.
   */
  findByAccount(accountKey: string, sessionId?: string): Promise<SubscriberRecord | null>;
  /**
   * Points an account at a subscriber found by an address nobody has proven to us (the one
   * typed at Checkout, or a Stripe customer's): the index only, never the record, whose
   * version belongs to Stripe's view. A link whose record `keep`s (one that grants access
   * now) is never replaced this way: only a checkout made while signed in (the record's own
   * `accountKey`, written by `upsert`) moves a link that works.
   */
  linkAccount(
    accountKey: string,
    subscriberId: string,
    keep: (current: SubscriberRecord) => boolean,
  ): Promise<'linked' | 'kept'>;
  findByCustomer(customerId: string): Promise<SubscriberRecord | null>;
  findByStripeSubscription(subscriptionId: string): Promise<SubscriberRecord | null>;
  /** Writes the record and its indexes atomically; an older version never overwrites a newer. */
  upsert(record: SubscriberRecord): Promise<'written' | 'stale'>;
}

/** Records live 400 days after their last write, then expire with their indexes. */
export const RECORD_TTL_MS = 400 * 86_400_000;

/**
 * KEYS[1] = record, KEYS[2..] = index keys; ARGV = json, updatedAt, ttl ms, subscriber id.
 * The version is read with a pattern rather than cjson so the script also runs on the
 * embedded test Redis; the JSON is ours and always has a numeric `"updatedAt":`.
 */
export const UPSERT_RECORD_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, '"updatedAt":(%d+)'))
  if version and version > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[4], 'PX', ARGV[3])
end
return 1
`;
const upsertScript = defineScript(UPSERT_RECORD_SCRIPT);

export function createSubscriberStore(deps: {
  redis: Pick<Redis, 'get' | 'mget' | 'set' | 'evalsha' | 'eval'>;
  keys: RedisKeys;
  timeoutMs: number;
}): SubscriberStore {
  const { redis, keys, timeoutMs } = deps;
  const get = async (subscriberId: string) =>
    parseRecord(await withDeadline(redis.get<string>(keys.subscriber(subscriberId)), timeoutMs));
  const viaIndex = async (indexKey: string) => {
    const id = await withDeadline(redis.get<string>(indexKey), timeoutMs);
    return typeof id === 'string' ? get(id) : null;
  };
  return {
    get,
    findByUser: (userKey) => viaIndex(keys.subscriberByUser(userKey)),
    async findByAccount(accountKey, sessionId) {
      if (sessionId === undefined) return viaIndex(keys.subscriberByAccount(accountKey));
      const [session, id] = await withDeadline(
        redis.mget<(string | null)[]>(
          keys.accountSession(sessionId),
          keys.subscriberByAccount(accountKey),
        ),
        timeoutMs,
      );
      if (session !== accountKey) return null;
      return typeof id === 'string' ? get(id) : null;
    },
    async linkAccount(accountKey, subscriberId, keep) {
      const current = await viaIndex(keys.subscriberByAccount(accountKey));
      if (current && current.subscriberId !== subscriberId && keep(current)) return 'kept';
      await withDeadline(
        redis.set(keys.subscriberByAccount(accountKey), subscriberId, { px: RECORD_TTL_MS }),
        timeoutMs,
      );
      return 'linked';
    },
    findByCustomer: (customerId) => viaIndex(keys.subscriberByCustomer(customerId)),
    findByStripeSubscription: (id) => viaIndex(keys.subscriberByStripeSubscription(id)),
    async upsert(record) {
      const indexKeys = [
        record.userKey && keys.subscriberByUser(record.userKey),
        record.accountKey && keys.subscriberByAccount(record.accountKey),
        record.stripe.customerId && keys.subscriberByCustomer(record.stripe.customerId),
        record.stripe.subscriptionId &&
          keys.subscriberByStripeSubscription(record.stripe.subscriptionId),
      ].filter((k): k is string => typeof k === 'string' && k.length > 0);
      const json = JSON.stringify(subscriberRecordSchema.parse(record));
      const result = await withDeadline(
        upsertScript.run(
          redis,
          [keys.subscriber(record.subscriberId), ...indexKeys],
          [json, record.updatedAt, RECORD_TTL_MS, record.subscriberId],
        ),
        timeoutMs,
      );
      return Number(result) === 1 ? 'written' : 'stale';
    },
  };
}

function parseRecord(raw: unknown): SubscriberRecord | null {
  if (typeof raw !== 'string') return null;
  try {
    const result = subscriberRecordSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
