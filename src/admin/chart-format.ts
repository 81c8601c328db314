import { currencyDigits, currencyFormat } from '../prompt/format';

/**
 * Numbers as the dashboard writes them: counts with grouping, rates with one decimal, money
 * from minor units, days in UTC. Each returns text that the markup escapes; none ever returns
 * "NaN", "Infinity" or "undefined", whatever the report holds (a rate of nothing is a dash).
 */

const counts = new Intl.NumberFormat('en');
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** What a missing rate reads as (a denominator of 0): one dash, read as "no value". */
const NO_VALUE = '—';

/** A finite, non-negative count; anything else counts as 0 (a chart never draws NaN). */
export function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return counts.format(finite(n));
}

/** Axis ticks: 1234567 → "1.2M", short enough for the chart's 40-unit gutter. */
export function formatCompact(n: number): string {
  return compact.format(finite(n));
}

/** part / whole, or null when whole is 0 (or either is not a number). */
export function ratio(part: number, whole: number): number | null {
  return Number.isFinite(part) && Number.isFinite(whole) && whole > 0 ? part / whole : null;
}

/** 0.1234 → "12.3%"; null → "—". */
export function formatPercent(rate: number | null): string {
  return rate === null || !Number.isFinite(rate) ? NO_VALUE : `${(rate * 100).toFixed(1)}%`;
}

/**
 * Minor units → "€1,234.50". Currencies come from configuration and Stripe metadata, so an
 * unknown or malformed code must not throw: Intl refuses what is not three letters (a
 * RangeError), and then the amount is written in hundredths with the code beside it.
 */
export function formatMoney(minor: number, currency: string): string {
  const amount = finite(minor);
  try {
    return currencyFormat('en', currency).format(amount / 10 ** currencyDigits(currency));
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

/** Several currencies in one cell: "€120.00, $40.00", or a dash for none. */
export function formatMoneyList(amounts: readonly { currency: string; amount: number }[]): string {
  return amounts.length === 0
    ? NO_VALUE
    : amounts.map((m) => formatMoney(m.amount, m.currency)).join(', ');
}

const longDay = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

function utcDay(day: string): Date | null {
  const date = new Date(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isFinite(date.getTime()) ? date : null;
}

/** "2026-11-01" → "Nov 1, 2026"; a string that is not a day is returned as it is. */
export function formatDay(day: string): string {
  const date = utcDay(day);
  return date ? longDay.format(date) : day;
}

/** "2026-11-01" → "Nov 1", for axis ticks. */
export function formatShortDay(day: string): string {
  const date = utcDay(day);
  return date ? shortDay.format(date) : day;
}
