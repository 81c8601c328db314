import { setTimeout as delay } from 'node:timers/promises';
import { PAYWALL_PREFIX } from '../../src/contract/paths';
import { SITE_API_KEY } from '../access/shared';

/**
 * The publisher's counters as the stats API reports them, read back to check that counting
 * is exact: every view replayed is counted once, under its outcome. The stats route flushes
 * its own isolate's batch before it reads (src/stats/publisher-report.ts), and wrangler dev
 * runs one isolate, so a read after the replay sees every count the replay made.
 */
const STATS_PATH = `${PAYWALL_PREFIX}/v1/stats`;

/** Views counted so far, by outcome (`metered`, `already_read`, …), over the default range. */
export type Counters = Record<string, number>;

export async function readCounters(baseUrl: string): Promise<Counters> {
  const res = await fetch(`${baseUrl}${STATS_PATH}`, {
    headers: { authorization: `Bearer ${SITE_API_KEY}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${text.slice(0, 300)}`);
  const report = JSON.parse(text) as { views?: unknown };
  const views = report.views;
  if (!views || typeof views !== 'object') {
    throw new Error(`unexpected stats answer: ${text.slice(0, 300)}`);
  }
  const counters: Counters = {};
  for (const [outcome, n] of Object.entries(views)) {
    if (typeof n !== 'number') throw new Error(`stats: views.${outcome} is not a number`);
    counters[outcome] = n;
  }
  return counters;
}

/**
 * The counters once `expected` more views than `before` are in, read again a few times if
 * short: a flush a response started in waitUntil just before may land after the read's own.
 * Returns what it last read, complete or not (the caller compares).
 */
export async function countersAfter(
  baseUrl: string,
  before: Counters,
  expected: number,
): Promise<Counters> {
  for (let attempt = 1; ; attempt++) {
    const now = await readCounters(baseUrl);
    if (total(countedSince(before, now)) >= expected || attempt >= 8) return now;
    await delay(250);
  }
}

/** What was counted between two reads, by outcome (outcomes with none left out). */
export function countedSince(before: Counters, after: Counters): Counters {
  const counted: Counters = {};
  for (const [outcome, n] of Object.entries(after)) {
    const added = n - (before[outcome] ?? 0);
    if (added !== 0) counted[outcome] = added;
  }
  return counted;
}

export const total = (counters: Counters) => Object.values(counters).reduce((a, b) => a + b, 0);

/** Whether two tallies hold the same counts under the same names (zeros left out). */
export function sameCounts(a: Counters, b: Counters): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => (a[name] ?? 0) === (b[name] ?? 0));
}
