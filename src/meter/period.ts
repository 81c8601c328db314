import type { MeterWindow } from './config';

/**
 * Pure window arithmetic: no clock reads, `now` is always an argument.
 *
 * - calendar-month: the window is the UTC calendar month; it resets at 00:00 UTC on the 1st.
 *   Its id (`2026-11`) is part of the Redis key, so a new month is simply a new, empty set
 *   and the old one expires on its own.
 * - rolling: a read counts for `days` days after it was first counted. The window has no
 *   fixed id; the script drops reads older than `now - days`.
 */
export type MeterPeriod =
  | { kind: 'calendar-month'; id: string; startsAt: Date; resetsAt: Date }
  | { kind: 'rolling'; id: string; windowMs: number; cutoff: Date };

const DAY_MS = 86_400_000;

export function currentPeriod(window: MeterWindow, now: Date): MeterPeriod {
  if (window.kind === 'rolling') {
    const windowMs = window.days * DAY_MS;
    return {
      kind: 'rolling',
      id: `r${window.days}d`,
      windowMs,
      cutoff: new Date(now.getTime() - windowMs),
    };
  }
  return calendarMonth(now);
}

/** The last month worked out, per isolate: every decision asks, and it changes monthly. */
let lastMonth: { id: string; startsAtMs: number; resetsAtMs: number } | undefined;

export function calendarMonth(now: Date): Extract<MeterPeriod, { kind: 'calendar-month' }> {
  const t = now.getTime();
  let month = lastMonth;
  if (!month || !(t >= month.startsAtMs && t < month.resetsAtMs)) {
    const year = now.getUTCFullYear();
    const m = now.getUTCMonth(); // 0-11
    month = {
      id: `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`,
      startsAtMs: Date.UTC(year, m, 1),
      // Date.UTC normalises month 12 to January of the next year.
      resetsAtMs: Date.UTC(year, m + 1, 1),
    };
    // Remembered only when its bounds hold `now`: Date.UTC reads years 0–99 as 1900–1999, and
    // such a month must not answer for the 20th-century one.
    if (t >= month.startsAtMs && t < month.resetsAtMs) lastMonth = month;
  }
  // Fresh Date objects each time: a caller may hold on to them.
  return {
    kind: 'calendar-month',
    id: month.id,
    startsAt: new Date(month.startsAtMs),
    resetsAt: new Date(month.resetsAtMs),
  };
}

/** For a rolling window: when the oldest counted read leaves it and a slot frees up. */
export function rollingResetsAt(
  oldestCountedAtMs: number | null,
  windowMs: number,
  now: Date,
): Date {
  return new Date((oldestCountedAtMs ?? now.getTime()) + windowMs);
}
