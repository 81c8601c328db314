import { type StatsReport, StatsReportSchema } from '../../../src/schemas/stats';

/**
 * Stats reports for the dashboard's tests (and anyone else's): a busy November, and the same
 * period with nothing counted. Both are parsed by the report's own schema, so a fixture that
 * drifts from the schema fails here rather than passing a shape the route never sends.
 */

const days = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });

/** November 2026 by day: 12,000 views, 3,000 walled, 3,600 prompts, 240 checkouts, 60 paid. */
export function sampleReport(over: Partial<StatsReport> = {}): StatsReport {
  // 30 days of 400 views, 100 walled, 120 prompts, 8 checkouts, 2 paid: the funnel's sums.
  const series = days('2026-11-01', 30).map((start, i) => ({
    start,
    views: 400,
    walled: 100,
    prompts: 120,
    checkouts: 8,
    paid: i % 2 === 0 ? 3 : 1,
  }));
  return StatsReportSchema.parse({
    from: '2026-11-01',
    to: '2026-11-30',
    granularity: 'day',
    funnel: { views: 12_000, walled: 3_000, prompts: 3_600, checkouts: 240, paid: 60 },
    conversion: {
      walledPerView: 0.25,
      checkoutPerPrompt: 240 / 3_600,
      paidPerCheckout: 0.25,
      paidPerPrompt: 60 / 3_600,
    },
    views: {
      metered: 5_000,
      already_read: 1_500,
      meter_exhausted: 2_600,
      premium: 400,
      subscriber: 1_800,
      verified_crawler: 500,
      free_article: 150,
      degraded: 50,
    },
    prompts: { wall: 3_000, support: 600 },
    identity: { restore: 12, registration: 85, sign_in: 40 },
    cancellations: 4,
    revenue: [
      { offer: 'monthly', currency: 'eur', amount: 25_000, payments: 50 },
      { offer: 'yearly', currency: 'eur', amount: 36_000, payments: 6 },
      { offer: 'contribution', currency: 'usd', amount: 4_250, payments: 4 },
    ],
    revenueByCurrency: [
      { currency: 'eur', amount: 61_000, payments: 56 },
      { currency: 'usd', amount: 4_250, payments: 4 },
    ],
    supporters: {
      active: 212,
      mrr: [
        { currency: 'eur', amount: 106_000 },
        { currency: 'usd', amount: 1_500 },
      ],
    },
    series,
    experiments: {
      variants: [
        {
          id: 'control',
          weight: 1,
          prompts: 1_800,
          checkouts: 100,
          paid: 20,
          revenue: [{ currency: 'eur', amount: 20_000 }],
          conversion: { rate: 20 / 1_800, low: 0.0072, high: 0.0171 },
        },
        {
          id: 'urgent-headline',
          weight: 1,
          prompts: 1_800,
          checkouts: 140,
          paid: 40,
          revenue: [{ currency: 'eur', amount: 41_000 }],
          conversion: { rate: 40 / 1_800, low: 0.0163, high: 0.0302 },
        },
      ],
      leader: { id: 'urgent-headline', significant: false },
    },
    shadow: {
      configured: true,
      live: { walledViews: 3_000, walledReaders: 900 },
      candidate: { walledViews: 1_800, walledReaders: 520 },
    },
    ...over,
  });
}

/** The same period with nothing counted, no experiment and no shadow rules. */
export function emptyReport(over: Partial<StatsReport> = {}): StatsReport {
  const zero = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  return StatsReportSchema.parse({
    from: '2026-11-01',
    to: '2026-11-30',
    granularity: 'day',
    funnel: { views: 0, walled: 0, prompts: 0, checkouts: 0, paid: 0 },
    conversion: {
      walledPerView: null,
      checkoutPerPrompt: null,
      paidPerCheckout: null,
      paidPerPrompt: null,
    },
    views: zero([
      'metered',
      'already_read',
      'meter_exhausted',
      'premium',
      'subscriber',
      'verified_crawler',
      'free_article',
      'degraded',
    ]),
    prompts: zero(['wall', 'support']),
    identity: zero(['restore', 'registration', 'sign_in']),
    cancellations: 0,
    revenue: [],
    revenueByCurrency: [],
    supporters: { active: 0, mrr: [] },
    series: days('2026-11-01', 30).map((start) => ({
      start,
      views: 0,
      walled: 0,
      prompts: 0,
      checkouts: 0,
      paid: 0,
    })),
    experiments: { variants: [], leader: null },
    shadow: {
      configured: false,
      live: { walledViews: 0, walledReaders: 0 },
      candidate: { walledViews: 0, walledReaders: 0 },
    },
    ...over,
  });
}

/** What the route would pass for the sample's period. */
export const NOVEMBER = { from: '2026-11-01', to: '2026-11-30', granularity: 'day' } as const;
