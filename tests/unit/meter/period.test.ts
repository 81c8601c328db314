import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { calendarMonth, currentPeriod, rollingResetsAt } from '../../../src/meter/period';

const at = (iso: string) => new Date(iso);

describe('calendar month (UTC)', () => {
  it.each([
    ['2026-11-27T10:00:00.000Z', '2026-11', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T00:00:00.000Z', '2027-01', '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', '2028-02', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['2027-02-28T23:59:59.999Z', '2027-02', '2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
    ['2100-02-28T00:00:00.000Z', '2100-02', '2100-02-01T00:00:00.000Z', '2100-03-01T00:00:00.000Z'],
    ['2026-03-31T23:30:00.000Z', '2026-03', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
  ])('%s is in %s, %s to %s', (now, id, start, reset) => {
    const p = calendarMonth(at(now));
    expect([p.id, p.startsAt.toISOString(), p.resetsAt.toISOString()]).toEqual([id, start, reset]);
  });

  it('the last millisecond of a month and the first of the next are in different windows', () => {
    const before = calendarMonth(at('2026-11-30T23:59:59.999Z'));
    const after = calendarMonth(at('2026-12-01T00:00:00.000Z'));
    expect(before.id).not.toBe(after.id);
    expect(before.resetsAt.getTime()).toBe(after.startsAt.getTime());
  });

  it('ignores local time zones: late on the 31st in New York is already next month in UTC', () => {
    // 2026-10-31 21:00 in New York (UTC-4) is 2026-11-01 01:00 UTC.
    expect(calendarMonth(at('2026-10-31T21:00:00-04:00')).id).toBe('2026-11');
  });

  it('currentPeriod defaults to the calendar month', () => {
    expect(currentPeriod({ kind: 'calendar-month' }, at('2028-02-29T00:00:00Z')).id).toBe(
      '2028-02',
    );
  });
});

describe('rolling window', () => {
  it('has a stable id per length and a cutoff N days back, across a leap day', () => {
    const p = currentPeriod({ kind: 'rolling', days: 30 }, at('2028-03-15T00:00:00.000Z'));
    expect(p.kind).toBe('rolling');
    if (p.kind !== 'rolling') return;
    expect(p.id).toBe('r30d');
    expect(p.cutoff.toISOString()).toBe('2028-02-14T00:00:00.000Z'); // 2028 has a 29 February
  });

  it('resets when the oldest counted read leaves the window', () => {
    const windowMs = 7 * 86_400_000;
    const oldest = Date.parse('2026-12-30T08:00:00.000Z');
    expect(rollingResetsAt(oldest, windowMs, at('2027-01-02T00:00:00Z')).toISOString()).toBe(
      '2027-01-06T08:00:00.000Z',
    );
    // Nothing counted yet: a full window from now.
    expect(rollingResetsAt(null, windowMs, at('2027-01-02T00:00:00Z')).toISOString()).toBe(
      '2027-01-09T00:00:00.000Z',
    );
  });
});

describe('calendar month, remembered per isolate', () => {
  const naive = (d: Date) => {
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    return [
      `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`,
      Date.UTC(y, m, 1),
      Date.UTC(y, m + 1, 1),
    ];
  };
  // Dates in any order, many on either side of a month's edge: the remembered month must
  // never answer for a moment outside it.
  const edge = fc
    .tuple(
      fc.integer({ min: 2000, max: 2200 }),
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: -2, max: 2 }),
    )
    .map(([y, m, ms]) => new Date(Date.UTC(y, m, 1) + ms));
  const anyDate = fc.date({
    min: new Date('1970-01-01'),
    max: new Date('2200-01-01'),
    noInvalidDate: true,
  });
  test.prop([fc.array(fc.oneof(edge, anyDate), { minLength: 1, maxLength: 30 })])(
    'agrees with working it out afresh, whatever came before',
    (dates) => {
      for (const d of dates) {
        const p = calendarMonth(d);
        expect([p.id, p.startsAt.getTime(), p.resetsAt.getTime()]).toEqual(naive(d));
      }
    },
  );

  it('a month of the years 0–99 (which Date.UTC reads as 1900–1999) never answers for 1950', () => {
    const year50 = new Date('0050-01-15T00:00:00.000Z');
    expect(calendarMonth(year50).id).toBe('0050-01');
    expect(calendarMonth(at('1950-01-15T00:00:00.000Z')).id).toBe('1950-01');
  });

  it('hands out fresh dates: changing one does not change the next answer', () => {
    const now = at('2026-11-27T10:00:00.000Z');
    calendarMonth(now).resetsAt.setUTCFullYear(1999);
    expect(calendarMonth(now).resetsAt.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
