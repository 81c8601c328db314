import { describe, expect, it } from 'vitest';
import { label, supporterValue } from '../../../src/stats/labels';
import { bucketOf, buildReport, daysBetween } from '../../../src/stats/report';
import type { StoredRange } from '../../../src/stats/store';

const ctx = {
  from: '2026-11-29',
  to: '2026-12-01',
  granularity: 'day' as const,
  variants: [
    { id: 'a', weight: 1 },
    { id: 'b', weight: 1 },
  ],
  shadowConfigured: true,
};

function stored(
  days: Record<string, [string, number][]>,
  supporters: [string, string][] = [],
): StoredRange {
  return {
    days: new Map(Object.entries(days).map(([d, l]) => [d, new Map(l)])),
    supporters: new Map(supporters),
    walledReaders: { live: 7, shadow: 4 },
  };
}

describe('buildReport', () => {
  it('sums the funnel, revenue, variants and supporters from the day hashes', () => {
    const r = buildReport(
      stored(
        {
          '2026-11-29': [
            [label.view('metered', 'a'), 10],
            [label.view('meter_exhausted', 'a'), 3],
            [label.view('premium', 'b'), 1],
            [label.prompt('wall', 'a'), 4],
            [label.prompt('support', 'b'), 10],
            [label.checkout('monthly', 'a'), 2],
            [label.paid('monthly', 'a', 'eur'), 1],
            [label.amount('monthly', 'a', 'eur'), 500],
            [label.walled('live'), 4],
            [label.walled('shadow'), 2],
          ],
          '2026-11-30': [],
          '2026-12-01': [
            [label.view('subscriber', 'b'), 5],
            [label.paid('yearly', 'b', 'usd'), 1],
            [label.amount('yearly', 'b', 'usd'), 6000],
            [label.cancel('monthly'), 1],
            [label.identity('sign_in'), 2],
            ['a-label-from-a-later-version|x', 99],
          ],
        },
        [
          ['sbr_a', supporterValue('eur', 6000)],
          ['sbr_b', supporterValue('eur', null)],
        ],
      ),
      ctx,
    );
    expect(r.funnel).toEqual({ views: 19, walled: 4, prompts: 14, checkouts: 2, paid: 2 });
    expect(r.views.metered).toBe(10);
    expect(r.views.subscriber).toBe(5);
    expect(r.conversion.walledPerView).toBeCloseTo(4 / 19);
    expect(r.conversion.paidPerCheckout).toBe(1);
    expect(r.revenue).toEqual([
      { offer: 'yearly', currency: 'usd', amount: 6000, payments: 1 },
      { offer: 'monthly', currency: 'eur', amount: 500, payments: 1 },
    ]);
    expect(r.cancellations).toBe(1);
    expect(r.identity).toEqual({ restore: 0, registration: 0, sign_in: 2 });
    expect(r.supporters).toEqual({ active: 2, mrr: [{ currency: 'eur', amount: 500 }] });
    expect(r.series.map((s) => [s.start, s.views, s.paid])).toEqual([
      ['2026-11-29', 14, 1],
      ['2026-11-30', 0, 0],
      ['2026-12-01', 5, 1],
    ]);
    expect(r.experiments.variants.map((v) => [v.id, v.prompts, v.checkouts, v.paid])).toEqual([
      ['a', 4, 2, 1],
      ['b', 10, 0, 1],
    ]);
    expect(r.experiments.variants[0]?.conversion.rate).toBeCloseTo(0.25);
    expect(r.shadow).toEqual({
      configured: true,
      live: { walledViews: 4, walledReaders: 7 },
      candidate: { walledViews: 2, walledReaders: 4 },
    });
  });

  it('gives null rates, not NaN, for an empty range, and no leader with one variant', () => {
    const r = buildReport(stored({ '2026-12-01': [] }), {
      ...ctx,
      variants: [{ id: 'a', weight: 1 }],
    });
    expect(r.conversion).toEqual({
      walledPerView: null,
      checkoutPerPrompt: null,
      paidPerCheckout: null,
      paidPerPrompt: null,
    });
    expect(r.experiments.leader).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('sums monthly recurring revenue per currency, a twelfth of the year', () => {
    const r = buildReport(
      stored({}, [
        ['sbr_a', supporterValue('eur', 6000)],
        ['sbr_b', supporterValue('eur', 1200)],
        ['sbr_c', supporterValue('usd', 120)],
      ]),
      ctx,
    );
    expect(r.supporters).toEqual({
      active: 3,
      mrr: [
        { currency: 'eur', amount: 600 },
        { currency: 'usd', amount: 10 },
      ],
    });
  });
});

describe('ranges and buckets', () => {
  it('lists the days of a range across a month end', () => {
    expect(daysBetween('2026-11-29', '2026-12-02')).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(daysBetween('2026-12-02', '2026-12-01')).toEqual([]);
  });

  it.each([
    ['2026-11-30', 'week', '2026-11-30'],
    ['2026-12-06', 'week', '2026-11-30'],
    ['2026-12-01', 'week', '2026-11-30'],
    ['2026-11-29', 'week', '2026-11-23'],
    ['2026-12-31', 'month', '2026-12-01'],
    ['2026-12-31', 'day', '2026-12-31'],
  ] as const)('%s by %s starts %s', (day, granularity, start) => {
    expect(bucketOf(day, granularity)).toBe(start);
  });
});
