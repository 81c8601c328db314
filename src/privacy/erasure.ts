import type { Redis } from '@upstash/redis/cloudflare';
import type { ScriptRunner } from '../redis/client';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';

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

/** KEYS[1] = a record; ARGV = the bytes read, the new bytes. 1 when swapped, 0 when changed. */
const CAS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
`;
const casScript = defineScript(CAS_SCRIPT);

export function createErasure(deps: {
  redis: Pick<Redis, 'scan' | 'del' | 'mget' | 'get'> & ScriptRunner;
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
   * Rewrites one subscriber record with `change` applied, only if it still holds the bytes
   * read (compare-and-set in one script): a webhook that writes a newer version meanwhile
   * (a cancellation, say) is never overwritten with the older one. Tried again on a race.
   */
  const rewriteRecord = async (
    recordKey: string,
    change: (record: Record<string, unknown>) => boolean,
  ) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const raw = await call(redis.get<string>(recordKey));
      if (typeof raw !== 'string') return;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return;
      }
      if (!change(record)) return;
      const swapped = await call(casScript.run(redis, [recordKey], [raw, JSON.stringify(record)]));
      if (Number(swapped) === 1) return;
    }
    throw new ErasureIncomplete();
  };

  /**
   * Removes one link (`field`: the user pseudonym or the account key) from every subscriber
   * record that names it (a reader who paid twice has two), and from the one `index` points
   * to, and deletes the index. The records stay (their Stripe ids are the publisher's to
   * erase in Stripe), marked so that a later webhook does not link them again from Stripe's
   * metadata, which still names the user or account.
   */
  const unlinkSubscribers = async (
    index: string,
    field: 'userKey' | 'accountKey',
    value: string,
  ) => {
    const flag = field === 'userKey' ? 'userErased' : 'accountErased';
    const indexed = await call(redis.get<string>(index));
    await call(redis.del(index));
    const naming: string[] = [];
    // JSON.stringify writes `"field":"value"` exactly so: a cheap filter before parsing.
    const needle = JSON.stringify({ [field]: value }).slice(1, -1);
    await scan(`${glob(keys.subscriber(''))}*`, async (found) => {
      const values = await call(redis.mget<(string | null)[]>(...found));
      found.forEach((key, i) => {
        if (values[i]?.includes(needle)) naming.push(key);
      });
    });
    const pointedAt = typeof indexed === 'string' ? keys.subscriber(indexed) : null;
    for (const recordKey of new Set([...naming, ...(pointedAt ? [pointedAt] : [])])) {
      await rewriteRecord(recordKey, (record) => {
        const named = record[field] === value;
        // A user index exists only because a record names the user. An account index may
        // also come from the address typed at Checkout, which Stripe still holds: the record
        // it points to is marked either way.
        if (!named && (field === 'userKey' || recordKey !== pointedAt)) return false;
        if (named) delete record[field];
        record[flag] = true;
        return true;
      });
    }
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
      await unlinkSubscribers(keys.subscriberByUser(userKey), 'userKey', userKey);
    },
    async eraseAccount(accountKey) {
      // Sign every device out first: from then on a read from one of them is the browser's
      // (the meter checks the session), so the scans below leave nothing a read brings back.
      await deleteSessionsOf(accountKey);
      await call(redis.del(keys.account(accountKey), keys.signInCode(accountKey)));
      const meterPrefix = keys.meter('', '').slice(0, -1);
      await deleteMatching(`${glob(meterPrefix)}*:a:${glob(accountKey)}`);
      // @upstash/ratelimit's windows: `{prefix}:signin-address…:{accountKey}:{window}`.
      await deleteMatching(`${glob(keys.rateLimitPrefix())}:signin-address*:${glob(accountKey)}:*`);
      // The support linked to the account (signed in at checkout, or found by address) is
      // unlinked whether the record names the account or only the index points at it.
      await unlinkSubscribers(keys.subscriberByAccount(accountKey), 'accountKey', accountKey);
    },
  };
}

/** `text` as a literal inside a SCAN MATCH pattern. */
function glob(text: string): string {
  return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}
