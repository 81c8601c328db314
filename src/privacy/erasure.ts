import type { Redis } from '@upstash/redis/cloudflare';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';

/**
 * Erasure of everything Redis holds under one reader pseudonym: the raw reader id inside a
 * signed `reader.id`, or the `userKey` pseudonym of the site's own user id. Idempotent: a
 * second call finds nothing and succeeds. Keys whose names carry the pseudonym are found
 * with a bounded SCAN (their periods vary: every calendar month and rolling window ever
 * used); `checkout-redeemed:{sessionId}` keys, which carry it only in their value, are read
 * page by page and deleted when they name it. If the bound is reached before SCAN finishes,
 * the call throws `ErasureIncomplete` (whatever was found is already deleted): call again.
 */
export interface Erasure {
  eraseReader(rawId: string): Promise<void>;
  eraseUser(userKey: string): Promise<void>;
  /** An account (the keyed hash of an address): its meter, sessions, code, limits, links. */
  eraseAccount(accountKey: string): Promise<void>;
}

export class ErasureIncomplete extends Error {
  constructor() {
    super('The keyspace scan did not finish within its bound.');
    this.name = 'ErasureIncomplete';
  }
}

/** SCAN pages per pattern: with COUNT 1000, up to 1,000,000 keys looked at. */
const MAX_SCAN_PAGES = 1_000;
const SCAN_COUNT = 1_000;

export function createErasure(deps: {
  redis: Pick<Redis, 'scan' | 'del' | 'mget' | 'get' | 'set'>;
  keys: RedisKeys;
  timeoutMs: number;
}): Erasure {
  const { redis, keys, timeoutMs } = deps;
  const call = <T>(p: Promise<T>) => withDeadline(p, timeoutMs);

  /** Every key matching `pattern`, page by page, handed to `onPage`. */
  const scan = async (pattern: string, onPage: (found: string[]) => Promise<void>) => {
    let cursor = '0';
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const [next, found] = await call(redis.scan(cursor, { match: pattern, count: SCAN_COUNT }));
      if (found.length > 0) await onPage(found);
      cursor = String(next);
      if (cursor === '0') return;
    }
    throw new ErasureIncomplete();
  };
  const deleteMatching = (pattern: string) =>
    scan(pattern, async (found) => {
      await call(redis.del(...found));
    });
  /** `checkout-redeemed:*` keys whose value is `id`. */
  const deleteRedemptionsOf = (id: string) =>
    scan(`${glob(keys.checkoutRedeemed(''))}*`, async (found) => {
      const values = await call(redis.mget<(string | null)[]>(...found));
      const mine = found.filter((_, i) => values[i] === id);
      if (mine.length > 0) await call(redis.del(...mine));
    });
  /** Meter windows of every period, the checkout's per-reader rate-limit windows, redemptions. */
  const eraseSubject = async (subject: 'r' | 'u', id: string) => {
    // `{prefix}meter:{period}:{subject}`: every period, calendar (YYYY-MM) or rolling (rNd).
    const meterPrefix = keys.meter('', '').slice(0, -1);
    await deleteMatching(`${glob(meterPrefix)}*:${subject}:${glob(id)}`);
    await deleteMatching(`${glob(keys.rateLimitPrefix())}:checkout-reader:${glob(id)}:*`);
    await deleteRedemptionsOf(id);
  };

  /**
   * Removes one link (`field`: the user pseudonym or the account key) from the subscriber
   * record `index` points to, and the index. The record itself stays (its Stripe ids are the
   * publisher's to erase in Stripe), marked so that a later webhook does not link it again
   * from Stripe's metadata, which still names the user or account.
   */
  const unlinkSubscriber = async (
    index: string,
    field: 'userKey' | 'accountKey',
    value: string,
  ) => {
    const subscriberId = await call(redis.get<string>(index));
    await call(redis.del(index));
    if (typeof subscriberId !== 'string') return;
    const recordKey = keys.subscriber(subscriberId);
    const raw = await call(redis.get<string>(recordKey));
    if (typeof raw !== 'string') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const named = record[field] === value;
    // A user index exists only because the record names the user. An account index may also
    // come from the address typed at Checkout, which Stripe still holds: marked either way.
    if (!named && field === 'userKey') return;
    if (named) delete record[field];
    record[field === 'userKey' ? 'userErased' : 'accountErased'] = true;
    await call(redis.set(recordKey, JSON.stringify(record), { keepTtl: true }));
  };

  /** `account-session:*` keys whose value is `accountKey`: every device signed in to it. */
  const deleteSessionsOf = (accountKey: string) =>
    scan(`${glob(keys.accountSession(''))}*`, async (found) => {
      const values = await call(redis.mget<(string | null)[]>(...found));
      const mine = found.filter((_, i) => values[i] === accountKey);
      if (mine.length > 0) await call(redis.del(...mine));
    });

  return {
    eraseReader: (rawId) => eraseSubject('r', rawId),
    async eraseUser(userKey) {
      await eraseSubject('u', userKey);
      await unlinkSubscriber(keys.subscriberByUser(userKey), 'userKey', userKey);
    },
    async eraseAccount(accountKey) {
      const meterPrefix = keys.meter('', '').slice(0, -1);
      await deleteMatching(`${glob(meterPrefix)}*:a:${glob(accountKey)}`);
      // @upstash/ratelimit's windows: `{prefix}:signin-address…:{accountKey}:{window}`.
      await deleteMatching(`${glob(keys.rateLimitPrefix())}:signin-address*:${glob(accountKey)}:*`);
      await deleteSessionsOf(accountKey);
      await call(redis.del(keys.account(accountKey), keys.signInCode(accountKey)));
      // The support linked to the account (signed in at checkout, or found by address) is
      // unlinked whether the record names the account or only the index points at it.
      await unlinkSubscriber(keys.subscriberByAccount(accountKey), 'accountKey', accountKey);
    },
  };
}

/** `text` as a literal inside a SCAN MATCH pattern. */
function glob(text: string): string {
  return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}
