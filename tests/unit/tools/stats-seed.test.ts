import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, offersSchema } from '../../../src/billing/offers';
import { IDENTITY_EVENTS, PROMPT_KINDS, VIEW_OUTCOMES } from '../../../src/schemas/stats';
import { NO_VARIANT } from '../../../src/stats/labels';
import { buildReport } from '../../../src/stats/report';
import type { StoredRange } from '../../../src/stats/store';
import { daysEnding } from '../../../tools/stats-seed/calendar';
import { type SeededMonth, type SeedOptions, seedMonth } from '../../../tools/stats-seed/generate';

// The demo generator (tools/stats-seed): what the dashboard will read must be consistent, made
// of labels the report understands, and free of anything about a reader.

const offers = offersSchema.parse(DEFAULT_OFFERS);
const variants = [
  { id: 'control', weight: 1 },
  { id: 'story-first', weight: 1 },
];
const base: SeedOptions = {
  seed: 7,
  endDay: '2026-11-30',
  readersPerDay: 400,
  experiment: { id: 'prompt', variants },
  offers,
  meterLimit: 3,
  shadowLimit: 2,
};
const month = seedMonth(base);

function stored(m: SeededMonth): StoredRange {
  return {
    days: new Map(m.days.map((d) => [d.day, d.counts])),
    supporters: m.supporters,
    walledReaders: { live: 0, shadow: 0 },
  };
}

const sumOf = (counts: Map<string, number>, match: (parts: string[]) => boolean) =>
  [...counts].reduce((n, [name, c]) => (match(name.split('|')) ? n + c : n), 0);

describe('seedMonth', () => {
  it('is deterministic for a seed, and another seed gives other counts', () => {
    const again = seedMonth(base);
    expect(again.days.map((d) => [...d.counts])).toEqual(month.days.map((d) => [...d.counts]));
    expect(again.days.map((d) => d.walledReaders)).toEqual(month.days.map((d) => d.walledReaders));
    expect([...again.supporters]).toEqual([...month.supporters]);
    const other = seedMonth({ ...base, seed: 8 });
    expect(other.days.map((d) => [...d.counts])).not.toEqual(month.days.map((d) => [...d.counts]));
  });

  it('covers exactly the asked days, ending with endDay', () => {
    expect(month.days.map((d) => d.day)).toEqual(daysEnding('2026-11-30', 30));
    expect(seedMonth({ ...base, days: 5, endDay: '2026-12-02' }).days.map((d) => d.day)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('gives the report exactly the funnel it generated, day by day and in total', () => {
    const report = buildReport(stored(month), {
      from: '2026-11-01',
      to: '2026-11-30',
      granularity: 'day',
      variants,
      shadowConfigured: true,
    });
    const expected = month.days.map((d) => ({ start: d.day, ...d.funnel }));
    expect(report.series).toEqual(expected);
    const total = (k: keyof SeededMonth['days'][number]['funnel']) =>
      month.days.reduce((n, d) => n + d.funnel[k], 0);
    expect(report.funnel).toEqual({
      views: total('views'),
      walled: total('walled'),
      prompts: total('prompts'),
      checkouts: total('checkouts'),
      paid: total('paid'),
    });
    // Every view outcome of the access API, and both prompt kinds, appear.
    for (const outcome of VIEW_OUTCOMES) expect(report.views[outcome]).toBeGreaterThan(0);
    for (const kind of PROMPT_KINDS) expect(report.prompts[kind]).toBeGreaterThan(0);
    for (const event of IDENTITY_EVENTS) expect(report.identity[event]).toBeGreaterThan(0);
    expect(report.cancellations).toBeGreaterThan(0);
    // Revenue per offer adds up to what the per-variant tables say.
    const revenue = report.revenue.reduce((n, r) => n + r.amount, 0);
    const byVariant = report.experiments.variants.flatMap((v) => v.revenue);
    expect(byVariant.reduce((n, r) => n + r.amount, 0)).toBe(revenue);
    expect(report.revenue.map((r) => r.offer).sort()).toEqual(
      ['contribution-monthly', 'contribution-once', 'monthly', 'yearly'].sort(),
    );
  });

  it('keeps paid ≤ checkouts ≤ prompts per variant and day, and walled = meter_exhausted + premium', () => {
    for (const d of month.days) {
      for (const v of variants) {
        const prompts = sumOf(d.counts, ([k, , b]) => k === 'prompt' && b === v.id);
        const checkouts = sumOf(d.counts, ([k, , b]) => k === 'checkout' && b === v.id);
        const paid = sumOf(d.counts, ([k, , b]) => k === 'paid' && b === v.id);
        expect(paid).toBeLessThanOrEqual(checkouts);
        expect(checkouts).toBeLessThanOrEqual(prompts);
      }
      const denied = sumOf(
        d.counts,
        ([k, a]) => k === 'view' && (a === 'meter_exhausted' || a === 'premium'),
      );
      expect(d.counts.get('walled|live')).toBe(denied);
      expect(d.counts.get('prompt|wall|control') ?? 0).toBe(
        sumOf(
          d.counts,
          ([k, a, b]) =>
            k === 'view' && b === 'control' && (a === 'meter_exhausted' || a === 'premium'),
        ),
      );
      // Walled readers are distinct readers: never more than the walled views.
      expect(d.walledReaders.live.length).toBeGreaterThan(0);
      expect(d.walledReaders.live.length).toBeLessThanOrEqual(denied);
      expect(new Set(d.walledReaders.live).size).toBe(d.walledReaders.live.length);
      // A shadow limit of 2 below the live 3 walls more, never less.
      expect(d.counts.get('walled|shadow') ?? 0).toBeGreaterThanOrEqual(denied);
    }
  });

  it('looks like a news site: weekends quieter, one big day, walls rising through the month', () => {
    const views = new Map(month.days.map((d) => [d.day, d.funnel.views]));
    const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
    const spike = views.get(month.spikeDay) ?? 0;
    const others = month.days.filter((d) => d.day !== month.spikeDay).map((d) => d.funnel.views);
    expect(spike).toBeGreaterThan(2 * Math.max(...others));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ordinary = month.days.filter((d) => d.day !== month.spikeDay);
    const saturdays = ordinary.filter((d) => weekday(d.day) === 6).map((d) => d.funnel.views);
    const tuesdays = ordinary.filter((d) => weekday(d.day) === 2).map((d) => d.funnel.views);
    expect(mean(saturdays)).toBeLessThan(0.8 * mean(tuesdays));
    // A calendar-month meter: more readers have used their articles as the month goes on.
    const walledShare = (d: SeededMonth['days'][number]) => d.funnel.walled / d.funnel.views;
    expect(walledShare(month.days.at(-2) as SeededMonth['days'][number])).toBeGreaterThan(
      2 * walledShare(month.days[0] as SeededMonth['days'][number]),
    );
    const report = buildReport(stored(month), {
      from: '2026-11-01',
      to: '2026-11-30',
      granularity: 'month',
      variants,
      shadowConfigured: true,
    });
    const share = (n: number) => n / report.funnel.views;
    expect(share(report.views.subscriber)).toBeGreaterThan(0.07);
    expect(share(report.views.subscriber)).toBeLessThan(0.14);
    expect(share(report.views.premium)).toBeLessThan(0.05);
    expect(share(report.views.degraded)).toBeLessThan(0.005);
    expect(report.conversion.checkoutPerPrompt).toBeGreaterThan(0.01);
    expect(report.conversion.checkoutPerPrompt).toBeLessThan(0.03);
    expect(report.conversion.paidPerCheckout).toBeGreaterThan(0.4);
    expect(report.conversion.paidPerCheckout).toBeLessThan(0.6);
  });

  it('lets the second variant lead the experiment, clearly, over a month of ordinary traffic', () => {
    const full = seedMonth({ ...base, readersPerDay: 2_000 });
    const report = buildReport(stored(full), {
      from: '2026-11-01',
      to: '2026-11-30',
      granularity: 'week',
      variants,
      shadowConfigured: true,
    });
    expect(report.experiments.leader).toEqual({ id: 'story-first', significant: true });
    expect(report.supporters.active).toBeGreaterThan(0);
    expect(report.supporters.mrr).toEqual([{ currency: 'eur', amount: expect.any(Number) }]);
  });

  it('counts under "-" without an experiment, and nothing for the shadow without one', () => {
    const plain = seedMonth({
      ...base,
      days: 7,
      experiment: { id: 'prompt', variants: [] },
      shadowLimit: null,
    });
    for (const d of plain.days) {
      for (const name of d.counts.keys()) {
        const [kind, a, b] = name.split('|');
        if (kind === 'view' || kind === 'prompt' || kind === 'checkout') expect(b).toBe(NO_VARIANT);
        if (kind === 'paid' || kind === 'amount') expect(name.split('|')[2]).toBe(NO_VARIANT);
        expect(`${kind}|${a}`).not.toBe('walled|shadow');
      }
      expect(d.walledReaders.shadow).toEqual([]);
    }
  });

  it('makes every label from configuration values only: no reader, no hash, nothing personal', () => {
    const outcomes = VIEW_OUTCOMES.join('|');
    const ids = ['control', 'story-first'].join('|');
    const offerIds = 'monthly|yearly|contribution-once|contribution-monthly';
    const grammar = new RegExp(
      [
        `view\\|(${outcomes})\\|(${ids})`,
        `prompt\\|(wall|support)\\|(${ids})`,
        `checkout\\|(${offerIds})\\|(${ids})`,
        `(paid|amount)\\|(${offerIds})\\|(${ids})\\|eur`,
        `cancel\\|(${offerIds})`,
        `identity\\|(${IDENTITY_EVENTS.join('|')})`,
        'walled\\|(live|shadow)',
      ]
        .map((g) => `^${g}$`)
        .join('|'),
    );
    const hashes = new Set(
      month.days.flatMap((d) => [...d.walledReaders.live, ...d.walledReaders.shadow]),
    );
    expect(hashes.size).toBeGreaterThan(100);
    for (const d of month.days) {
      for (const name of d.counts.keys()) {
        expect(name).toMatch(grammar);
        for (const part of name.split('|')) expect(hashes.has(part)).toBe(false);
      }
    }
    expect([...month.supporters.values()].every((v) => /^eur:\d+$/.test(v))).toBe(true);
  });

  it('refuses what is not a day, and no readers', () => {
    expect(() => seedMonth({ ...base, endDay: '2026-02-30' })).toThrow(/not a UTC day/);
    expect(() => seedMonth({ ...base, readersPerDay: 0 })).toThrow(/readersPerDay/);
  });
});
