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

export function calendarMonth(now: Date): Extract<MeterPeriod, { kind: 'calendar-month' }> {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth(); // 0-11
  // Date.UTC normalises month 12 to January of the next year.
  const startsAt = new Date(Date.UTC(year, month, 1));
  const resetsAt = new Date(Date.UTC(year, month + 1, 1));
  const id = `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}`;
  return { kind: 'calendar-month', id, startsAt, resetsAt };
}

/** For a rolling window: when the oldest counted read leaves it and a slot frees up. */
export function rollingResetsAt(
  oldestCountedAtMs: number | null,
  windowMs: number,
  now: Date,
): Date {
  return new Date((oldestCountedAtMs ?? now.getTime()) + windowMs);
}
