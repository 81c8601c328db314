import { fromBase64Url, toBase64Url } from '../encoding';
import { calendarMonth } from './period';

/**
 * The meter state an anonymous reader carries in their signed reader id (docs/architecture.md,
 * "The meter in the reader id"). Redis stays the meter of record; this is what lets the
 * worker skip it when the answer is already known:
 * - `pending`: the first article a new reader read, granted without Redis; it goes into the
 *   Redis set, in the same script, the first time the reader comes back for another;
 * - `read`: short hashes of articles counted this window, so a re-read costs nothing;
 * - `exhausted`: the reader is at `used` ≥ the limit and `read` is the whole counted set, so a
 *   new article is refused without asking.
 * `config` (a fingerprint of the meter and the rules) and `period` (the calendar month) make
 * cached answers void when either changes. The state is signed with the id (src/reader), so it
 * cannot be forged or moved to another id; replayed, it can only re-read an article already
 * counted, be refused again, or hand Redis an article it already holds.
 */
export interface CarriedMeter {
  config: string;
  /** The calendar month, `YYYYMM`. */
  period: string;
  used: number;
  exhausted: boolean;
  /** 8-character hashes of counted article ids; at most MAX_LISTED. */
  read: string[];
  pending?: string | undefined;
}

/** Only a limit this small lists every counted article, which an `exhausted` answer needs. */
export const MAX_LISTED = 12;
/** A first read whose article id is longer than this (bytes of UTF-8) goes to Redis at once. */
export const MAX_PENDING_BYTES = 150;
const HASH_CHARS = 8;
const VERSION = '1';
const STATE =
  /^1~([A-Za-z0-9_-]{6})~(\d{6})~([0-9a-z]{1,3})~([eo])~((?:[A-Za-z0-9_-]{8}){0,12})~([A-Za-z0-9_-]{0,200})$/;

/** The state as the reader id carries it: `[A-Za-z0-9_~-]` only, at most 326 characters. */
export function encodeCarried(state: CarriedMeter): string {
  const pending = state.pending === undefined ? '' : toBase64Url(utf8(state.pending));
  return [
    VERSION,
    state.config,
    state.period,
    state.used.toString(36),
    state.exhausted ? 'e' : 'o',
    state.read.slice(-MAX_LISTED).join(''),
    pending,
  ].join('~');
}

/** The state inside a reader id, or undefined for anything this version did not write. */
export function decodeCarried(text: string | undefined): CarriedMeter | undefined {
  if (text === undefined) return undefined;
  const match = STATE.exec(text);
  if (!match) return undefined;
  const [, config, period, used, flag, hashes, pendingB64] = match as unknown as string[];
  let pending: string | undefined;
  if (pendingB64) {
    const bytes = fromBase64Url(pendingB64 as string);
    if (!bytes) return undefined;
    try {
      pending = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  const read = (hashes as string).match(/.{8}/g) ?? [];
  return {
    config: config as string,
    period: period as string,
    used: Number.parseInt(used as string, 36),
    exhausted: flag === 'e',
    read,
    pending,
  };
}

/** A first read can be carried only when its id fits the state's bound. */
export function pendingFits(articleId: string): boolean {
  return utf8(articleId).byteLength <= MAX_PENDING_BYTES;
}

/**
 * An article's entry in the state: 48 bits of an HMAC of its id under the reader-id secret
 * (`keyed`, the signer's `derive`), so that nobody can search offline for two article ids
 * whose entries collide; by accident, one in 2^48 per entry.
 */
export type ArticleHasher = (articleId: string) => Promise<string>;
export function articleHasher(
  keyed: (domain: string, value: string) => Promise<string>,
): ArticleHasher {
  // Remembered per isolate (a site's popular articles are asked for again and again), up to
  // MEMO_SIZE ids: article ids are public, so remembering their entries reveals nothing.
  let memo = memos.get(keyed);
  if (!memo) {
    memo = new Map();
    memos.set(keyed, memo);
  }
  const entries = memo;
  return async (articleId) => {
    const known = entries.get(articleId);
    if (known !== undefined) return known;
    const entry = (await keyed('article1', articleId)).slice(0, HASH_CHARS);
    if (entries.size >= MEMO_SIZE) entries.clear();
    entries.set(articleId, entry);
    return entry;
  };
}
const MEMO_SIZE = 2_000;
const memos = new WeakMap<object, Map<string, string>>();

/** A short fingerprint of whatever makes a cached answer true (the meter and the rules). */
export async function configFingerprint(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(JSON.stringify(value)));
  return toBase64Url(new Uint8Array(digest).slice(0, 6)).slice(0, 6);
}

/** The first read a state still has to record in Redis, if it belongs to `now`'s month. */
export function pendingRead(text: string | undefined, now: Date): string | undefined {
  const state = decodeCarried(text);
  return state?.period === periodStamp(calendarMonth(now).id) ? state.pending : undefined;
}

/** `2026-11` → `202611`: the calendar month a state belongs to. */
export function periodStamp(periodId: string): string {
  return periodId.replace('-', '');
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
