/**
 * Pure formatting helpers for the prompt: templates, money, dates and plurals. What they
 * return is text: the markup escapes it (src/html/escape.ts).
 */

/** Replaces `{name}` placeholders; unknown names are left as written. Escape the result. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

/**
 * Intl formatters are costly to build (tens of µs each) and the prompt needs about twenty
 * per page, so they are built once per isolate for each combination and reused.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(
  key: string,
  make: () => T,
): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The locale's formatter for `currency`, built once per isolate (Intl throws on a bad code). */
export const currencyFormat = (locale: string, currency: string) =>
  cached(
    `n|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
  );

/** `resolvedOptions()` builds a fresh object each call: half of a prompt's rendering time. */
const digitsOf = new Map<string, number>();

/** The currency's minor-unit exponent as Intl knows it: 2 for eur, 0 for jpy. */
export function currencyDigits(currency: string, locale = 'en'): number {
  const key = `${locale}|${currency}`;
  let digits = digitsOf.get(key);
  if (digits === undefined) {
    digits = currencyFormat(locale, currency).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(key, digits);
  }
  return digits;
}

/**
 * Minor units to display text: 500 eur → "€5", 750 → "€7.50", 100000 → "€1,000". Whole
 * amounts drop the decimals (a price tag, not a ledger); others show all of them.
 */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const digits = currencyDigits(currency, locale);
  const scale = 10 ** digits;
  const whole = minor % scale === 0;
  return cached(
    `m|${locale}|${currency}|${whole}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: whole ? 0 : digits,
        maximumFractionDigits: digits,
      }),
  ).format(minor / scale);
}

/** "€" for eur in English; falls back to the upper-case code ("CHF"). */
export function currencySymbol(currency: string, locale = 'en'): string {
  const key = `${locale}|${currency}`;
  let symbol = symbolOf.get(key);
  if (symbol === undefined) {
    const parts = currencyFormat(locale, currency).formatToParts(0);
    symbol = parts.find((p) => p.type === 'currency')?.value ?? currency.toUpperCase();
    symbolOf.set(key, symbol);
  }
  return symbol;
}
const symbolOf = new Map<string, string>();

/** "December 1" (en) / "1 December" (en-GB), in UTC because meter windows are UTC. */
export function formatDay(date: Date, locale = 'en'): string {
  return cached(
    `d|${locale}`,
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' }),
  ).format(date);
}

/** Picks `zero` (exactly 0, when given), else the locale's `one`/`other` category. */
export function selectPlural(
  forms: { zero?: string | undefined; one: string; other: string },
  n: number,
  locale = 'en',
): string {
  if (n === 0 && forms.zero !== undefined) return forms.zero;
  return cached(`p|${locale}`, () => new Intl.PluralRules(locale)).select(n) === 'one'
    ? forms.one
    : forms.other;
}
