// Time as the emulator sees it: the `now` option (so tests can pin or move it) plus an
// offset that `POST /_control/clock` advances, per account, so one test moving time does
// not move it for another. Stripe timestamps are whole seconds.

export class Clock {
  private offsetMs = 0;

  constructor(private readonly source: () => number) {}

  /** Milliseconds, for anything that is not a Stripe timestamp. */
  nowMs(): number {
    return this.source() + this.offsetMs;
  }

  /** Unix seconds, for `created`, periods and expiries. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export type Interval = 'day' | 'week' | 'month' | 'year';

export function asInterval(value: string): Interval {
  if (value === 'day' || value === 'week' || value === 'month' || value === 'year') return value;
  throw new Error(`stripe-local: unknown billing interval "${value}"`);
}

/**
 * The end of period `n` (1-based) for a billing anchor, Stripe's way: months and years keep
 * the anchor's day and time of day, clamped to the last day of shorter months (an anchor on
 * Jan 31 bills on Feb 28/29, then Mar 31).
 */
export function periodEnd(anchor: number, interval: Interval, count: number, n: number): number {
  const steps = count * n;
  if (interval === 'day') return anchor + steps * 86_400;
  if (interval === 'week') return anchor + steps * 7 * 86_400;
  const start = new Date(anchor * 1000);
  const months = interval === 'year' ? steps * 12 : steps;
  const monthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return (
    Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()) /
    1000
  );
}
