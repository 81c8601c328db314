import type { ScriptRunner } from '../../src/redis/client';
import type { RedisKeys } from '../../src/redis/keys';
import { defineScript } from '../../src/redis/script';
import { writeBatch } from '../../src/stats/store';
import type { Batch } from '../../src/stats/tally';
import type { SeededMonth } from './generate';
import type { SeededDay } from './ledger';

/**
 * Sends a seeded month to Redis the way the worker's counts get there: each day as a `Batch`
 * through the real `writeBatch` (the stats flush script, expiry included), the running
 * totals in one call. Once per key prefix: the marker `{prefix}stats:seeded` is claimed first
 * (atomically), and a second seeding is refused unless forced, which adds the counts again.
 */

/** The marker's key: beside the stats keys, under the same prefix. */
export const seededMarkerKey = (prefix: string) => `${prefix}stats:seeded`;

/** Claims the marker: set it when absent (or when forced); 1 when set, 0 when it was there. */
const CLAIM_SCRIPT = `
if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

/** The supporters still paying: HSET of field/value pairs, one round trip. */
const SUPPORTERS_SCRIPT = `
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

/** Whether the marker is there (a look before generating; the claim still decides). */
const SEEDED_SCRIPT = `return redis.call('EXISTS', KEYS[1])`;

const claimScript = defineScript(CLAIM_SCRIPT);
const seededScript = defineScript(SEEDED_SCRIPT);
const supportersScript = defineScript(SUPPORTERS_SCRIPT);

/** As the isolate's tally caps a batch (src/stats/tally.ts), so one script call stays small. */
const READERS_PER_BATCH = 2_000;

export interface WriteOptions {
  prefix: string;
  retentionDays: number;
  timeoutMs: number;
  /** Today (UTC, `YYYY-MM-DD`): no day from it on is written; its counts are the real ones. */
  today: string;
  force: boolean;
  /** What the marker records (seed, range), for whoever finds it. */
  note: Record<string, unknown>;
}

/** The batches of one seeded day: its counts, and its walled readers at most 2,000 at a time. */
export function batchesOf(day: SeededDay): Batch[] {
  const batches: Batch[] = [];
  const chunks = (which: 'live' | 'shadow') => {
    const hashes = day.walledReaders[which];
    const out: string[][] = [];
    for (let i = 0; i < hashes.length; i += READERS_PER_BATCH) {
      out.push(hashes.slice(i, i + READERS_PER_BATCH));
    }
    return out;
  };
  const live = chunks('live');
  const shadow = chunks('shadow');
  const rounds = Math.max(1, live.length, shadow.length);
  for (let i = 0; i < rounds; i++) {
    const counts = new Map<string, Map<string, number>>();
    if (i === 0 && day.counts.size > 0) counts.set(day.day, day.counts);
    const readers = new Map<string, Set<string>>();
    const l = live[i];
    const s = shadow[i];
    if (l) readers.set(`${day.day}|live`, new Set(l));
    if (s) readers.set(`${day.day}|shadow`, new Set(s));
    if (counts.size + readers.size === 0) continue;
    batches.push({ counts, readers, events: i === 0 ? day.counts.size : 0 });
  }
  return batches;
}

/** Whether this prefix was seeded: `npm start` looks first and skips generating a month. */
export async function isSeeded(redis: ScriptRunner, prefix: string): Promise<boolean> {
  return Number(await seededScript.run(redis, [seededMarkerKey(prefix)], [])) === 1;
}

/** Writes the month; false (and nothing written) when the prefix was seeded and not forced. */
export async function writeSeed(
  redis: ScriptRunner,
  keys: RedisKeys,
  month: SeededMonth,
  opts: WriteOptions,
): Promise<boolean> {
  const late = month.days.find((d) => d.day >= opts.today);
  if (late) throw new Error(`refusing to seed ${late.day}: days from today on keep real counts`);
  const claimed = await claimScript.run(
    redis,
    [seededMarkerKey(opts.prefix)],
    [JSON.stringify(opts.note), opts.force ? '1' : '0'],
  );
  if (Number(claimed) !== 1) return false;
  for (const day of month.days) {
    for (const batch of batchesOf(day)) {
      await writeBatch(redis, keys, batch, {
        retentionDays: opts.retentionDays,
        timeoutMs: opts.timeoutMs,
      });
    }
  }
  const supporters = [...month.supporters].flat();
  if (supporters.length > 0) {
    await supportersScript.run(redis, [keys.statsSupporters()], supporters);
  }
  return true;
}
