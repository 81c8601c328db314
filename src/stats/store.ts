import type { ScriptRunner } from '../redis/client';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';
import { FLUSH_SCRIPT, READ_SCRIPT } from './scripts';
import type { Batch } from './tally';

const flushScript = defineScript(FLUSH_SCRIPT);
const readScript = defineScript(READ_SCRIPT);

const DAY_MS = 86_400_000;

/** When a day's counters go: `retentionDays` after the day ends. */
export function expireAtOf(day: string, retentionDays: number): number {
  return Date.parse(`${day}T00:00:00Z`) + (retentionDays + 1) * DAY_MS;
}

/** One round trip: the whole batch added to the day hashes and walled-readers logs. */
export async function writeBatch(
  redis: ScriptRunner,
  keys: RedisKeys,
  batch: Batch,
  opts: { retentionDays: number; timeoutMs: number },
): Promise<void> {
  const hashKeys: string[] = [];
  const logKeys: string[] = [];
  const args: (string | number)[] = [batch.counts.size];
  for (const [day, labels] of batch.counts) {
    hashKeys.push(keys.statsDay(day));
    args.push(expireAtOf(day, opts.retentionDays), labels.size);
    for (const [name, n] of labels) args.push(name, n);
  }
  for (const [key, readers] of batch.readers) {
    if (readers.size === 0) continue;
    const [day, which] = key.split('|') as [string, 'live' | 'shadow'];
    logKeys.push(keys.statsWalledReaders(day, which));
    args.push(expireAtOf(day, opts.retentionDays), readers.size, ...readers);
  }
  if (hashKeys.length + logKeys.length === 0) return;
  const marker = keys.statsBatch(crypto.randomUUID());
  await withDeadline(
    flushScript.run(redis, [marker, ...hashKeys, ...logKeys], args),
    opts.timeoutMs,
  );
}

export interface StoredRange {
  /** Per day asked, its labels and counts (an empty map for a day with nothing counted). */
  days: Map<string, Map<string, number>>;
  /** The recurring supporters now: subscriber id → `{currency}:{annual}`. */
  supporters: Map<string, string>;
  walledReaders: { live: number; shadow: number };
}

/** One round trip for the whole range (at most the retention, 400 days by default). */
export async function readRange(
  redis: ScriptRunner,
  keys: RedisKeys,
  days: readonly string[],
  timeoutMs: number,
): Promise<StoredRange> {
  const scriptKeys = [
    ...days.map((d) => keys.statsDay(d)),
    keys.statsSupporters(),
    ...days.map((d) => keys.statsWalledReaders(d, 'live')),
    ...days.map((d) => keys.statsWalledReaders(d, 'shadow')),
  ];
  const reply = (await withDeadline(
    readScript.run(redis, scriptKeys, [days.length]),
    timeoutMs,
  )) as unknown[];
  const hashAt = (i: number) => toCounts(reply[i]);
  return {
    days: new Map(days.map((d, i) => [d, hashAt(i)])),
    supporters: toStrings(reply[days.length]),
    walledReaders: {
      live: Number(reply[days.length + 1] ?? 0),
      shadow: Number(reply[days.length + 2] ?? 0),
    },
  };
}

/** HGETALL's flat [field, value, …] reply (or Upstash's object form) as a map of numbers. */
function toCounts(reply: unknown): Map<string, number> {
  return new Map([...toStrings(reply)].map(([k, v]) => [k, Number(v) || 0]));
}

function toStrings(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2)
      fields.set(String(reply[i]), String(reply[i + 1]));
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) fields.set(k, String(v));
  }
  return fields;
}
