/**
 * The seeded period's days and how busy each one is. A news site's traffic follows the week
 * (weekdays busy, Saturday the quietest) and, once in a while, one big story that brings two
 * to three times a normal day's readers. Pure.
 */

const DAY_MS = 86_400_000;

/** Relative traffic by UTC weekday, Sunday first (Date#getUTCDay). Assumption. */
const WEEKDAY = [0.74, 1.0, 1.05, 1.03, 1.0, 0.92, 0.66] as const;

/** How much busier the big story's day is than its weekday. Assumption. */
const SPIKE_FACTOR = 2.6;

/** `count` days ending with `endDay` (both `YYYY-MM-DD`, UTC), oldest first. */
export function daysEnding(endDay: string, count: number): string[] {
  const end = Date.parse(`${endDay}T00:00:00Z`);
  if (Number.isNaN(end) || new Date(end).toISOString().slice(0, 10) !== endDay) {
    throw new Error(`not a UTC day (YYYY-MM-DD): "${endDay}"`);
  }
  if (!Number.isInteger(count) || count < 1) throw new Error(`days must be 1 or more: ${count}`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

/** Every day of the calendar month `YYYY-MM` (the meter's window by default). */
export function daysOfMonth(month: string): string[] {
  const start = Date.parse(`${month}-01T00:00:00Z`);
  const days: string[] = [];
  for (let t = start; new Date(t).toISOString().startsWith(month); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The calendar months `days` touch, in order (`YYYY-MM`). */
export function monthsOf(days: readonly string[]): string[] {
  return [...new Set(days.map((d) => d.slice(0, 7)))];
}

/**
 * How busy `day` is relative to an ordinary weekday: its weekday's share, the spike's factor
 * on the big story's day, and a day's own wobble (`noise`, about ±6%).
 */
export function dayWeight(day: string, spikeDay: string | null, noise: number): number {
  const weekday = WEEKDAY[new Date(`${day}T00:00:00Z`).getUTCDay()] ?? 1;
  return weekday * (day === spikeDay ? SPIKE_FACTOR : 1) * (0.94 + 0.12 * noise);
}

/** Draws an index with probability proportional to `weights` (all ≥ 0, some > 0). */
export function weightedPicker(weights: readonly number[]): (u: number) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += Math.max(0, w);
    cumulative.push(total);
  }
  return (u) => {
    const x = u * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
