import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../src/stats/labels';

describe('dayOf: the UTC day a counter is kept under', () => {
  // Moments in any order, many a millisecond either side of midnight: the remembered day
  // must never answer for a moment outside it.
  const midnight = fc
    .tuple(fc.integer({ min: 0, max: 80_000 }), fc.integer({ min: -2, max: 2 }))
    .map(([day, ms]) => new Date(day * 86_400_000 + ms));
  const anyDate = fc.date({
    min: new Date('1970-01-01'),
    max: new Date('2200-01-01'),
    noInvalidDate: true,
  });
  test.prop([fc.array(fc.oneof(midnight, anyDate), { minLength: 1, maxLength: 30 })])(
    'agrees with the ISO date, whatever came before',
    (dates) => {
      for (const d of dates) expect(dayOf(d)).toBe(d.toISOString().slice(0, 10));
    },
  );

  it('still refuses an invalid date', () => {
    dayOf(new Date('2026-11-30T12:00:00Z'));
    expect(() => dayOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});
