import { describe, expect, it } from 'vitest';
import { fillTemplate, formatMoney, selectPlural } from '../../../src/prompt/format';

describe('format', () => {
  it.each([
    [500, 'eur', '€5'],
    [750, 'eur', '€7.50'],
    [705, 'eur', '€7.05'],
    [100_000, 'eur', '€1,000'],
    [1999, 'usd', '$19.99'],
    [500, 'jpy', '¥500'],
  ])('%i %s → %s', (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it('follows the copy locale', () => {
    expect(formatMoney(750, 'eur', 'de-DE')).toBe('7,50\u00a0€');
  });

  it('fills known placeholders only, and picks plural forms', () => {
    expect(fillTemplate('{a} {b}', { a: 1 })).toBe('1 {b}');
    const forms = { zero: 'none', one: 'one', other: 'many' };
    expect([0, 1, 2].map((n) => selectPlural(forms, n))).toEqual(['none', 'one', 'many']);
    expect(selectPlural({ one: 'one', other: 'many' }, 0)).toBe('many');
  });
});
