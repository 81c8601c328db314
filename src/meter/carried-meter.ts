import {
  type ArticleHasher,
  type CarriedMeter,
  decodeCarried,
  encodeCarried,
  MAX_LISTED,
  pendingFits,
  periodStamp,
} from './carried';
import type { AccountMeterResult, Meter } from './meter';
import { calendarMonth } from './period';

export interface CarriedReadInput {
  /** An anonymous browser's subject (`r:…`): signed-in readers are metered in Redis only. */
  subject: string;
  articleId: string;
  consume: boolean;
  now: Date;
  limit: number;
  /** The reader id was issued with this request: nothing can have been counted for it. */
  fresh: boolean;
  /** The state the reader's signed id carries (src/meter/carried.ts), if any. */
  carried: string | undefined;
  /** The configuration fingerprint cached answers must have been made under. */
  fingerprint: string;
  /** The keyed hash of an article id the state lists (src/meter/carried.ts). */
  hashArticle: ArticleHasher;
  /**
   * Only refusals are answered without Redis (`onMeterFailure: "closed"`): a site that wants
   * nothing granted while Redis cannot be asked sends every grant to Redis.
   */
  grantsFromRedisOnly?: boolean | undefined;
}

export interface CarriedReadResult {
  result: AccountMeterResult;
  /** The state to carry from now on (encoded); undefined when there is none to carry. */
  carried: string | undefined;
}

/**
 * One read of a calendar-month meter by an anonymous reader whose id carries the meter's
 * state. Answers without Redis only what the state proves: a new id's first read, a re-read of
 * an article it lists, a new article once it says the reader is walled (with the whole counted
 * set listed). Anything else is the Redis meter's answer, with a carried first read recorded
 * in the same script. What replaying an old state can and cannot do: docs/security.md.
 */
export async function readCarried(
  meter: Pick<Meter, 'read'>,
  input: CarriedReadInput,
): Promise<CarriedReadResult> {
  const period = calendarMonth(input.now);
  const stamp = periodStamp(period.id);
  const resetsAt = period.resetsAt;
  const articleHash = input.hashArticle;
  const hash = await articleHash(input.articleId);
  const decoded = decodeCarried(input.carried);
  const state = decoded?.period === stamp ? decoded : undefined;
  const answers = state?.config === input.fingerprint ? state : undefined;
  const local = (outcome: 'counted' | 'available' | 'already_read' | 'exhausted', used: number) =>
    ({ ok: true, outcome, used, limit: input.limit, resetsAt }) as const;

  const listed = answers?.read.includes(hash) === true;
  if (listed && answers && !input.grantsFromRedisOnly) {
    return { result: local('already_read', answers.used), carried: input.carried };
  }
  if (answers?.exhausted && answers.used >= input.limit && !listed) {
    return { result: local('exhausted', answers.used), carried: input.carried };
  }
  if (input.fresh && input.limit >= 1 && !input.grantsFromRedisOnly) {
    if (!input.consume) return { result: local('available', 0), carried: undefined };
    if (pendingFits(input.articleId)) {
      const first: CarriedMeter = {
        config: input.fingerprint,
        period: stamp,
        used: 1,
        exhausted: input.limit <= 1,
        read: [hash],
        pending: input.articleId,
      };
      return { result: local('counted', 1), carried: encodeCarried(first) };
    }
  }

  const pending = state?.pending;
  // What the id knows was counted this month (its list is a fact whatever the configuration):
  // when the set turns out to be just that, the script need not send its members.
  const known = new Set(state?.read ?? []);
  if (pending !== undefined) known.add(await articleHash(pending));
  const without = new Set(known);
  without.delete(hash);
  const withIt = new Set(known).add(hash);
  const result = await meter.read(input.subject, input.articleId, {
    consume: input.consume,
    now: input.now,
    limit: input.limit,
    pending,
    members: input.limit <= MAX_LISTED ? { without: without.size, with: withIt.size } : undefined,
  });
  // Redis did not answer: the state stays as it was, its first read still to be recorded.
  // A peek (a prefetch, a HEAD) changes nothing either, so it never rewrites the cookie.
  if (!result.ok || !input.consume) return { result, carried: input.carried };
  const counted = result.outcome === 'counted' || result.outcome === 'already_read';
  let read = [...(counted ? withIt : without)];
  let complete = read.length === result.used;
  if (result.members !== undefined) {
    // The whole counted set, so a new article can be refused without asking.
    read = await Promise.all(result.members.map(articleHash));
    complete = true;
  }
  const next: CarriedMeter = {
    config: input.fingerprint,
    period: stamp,
    used: result.used,
    exhausted: complete && result.used >= input.limit && read.length <= MAX_LISTED,
    read: read.slice(-MAX_LISTED),
    pending: undefined,
  };
  return { result, carried: encodeCarried(next) };
}
