import type { Offers } from '../../src/billing/offers';
import { assignVariant } from '../../src/experiments/assign';
import type { Experiment } from '../../src/experiments/config';
import { label, NO_VARIANT, supporterValue } from '../../src/stats/labels';
import { prng } from '../../tests/soak/load';
import { daysEnding, daysOfMonth, dayWeight, monthsOf } from './calendar';
import { countReader, type Supporter, type VariantRates } from './funnel';
import { Ledger, type SeededDay } from './ledger';
import { purchasePicker } from './purchases';
import { planMonthReaders, SHARES } from './readers';

/**
 * A month of the publisher's counters for a demo dashboard, from a seed (pure: the same
 * options give the same counts). Every label is built by src/stats/labels.ts, as the worker
 * builds it; nothing a reader is or sends is in any of them. See tools/stats-seed/README.md.
 */
export interface SeedOptions {
  seed: number;
  /** The last day seeded (`YYYY-MM-DD`, UTC): yesterday, so today's counts stay real. */
  endDay: string;
  days?: number;
  /** About how many distinct readers an ordinary weekday has. */
  readersPerDay: number;
  /** The configured prompt experiment; no variants: every count under `-`, as the worker. */
  experiment: Experiment;
  offers: Offers;
  meterLimit: number;
  /** The shadow's candidate limit (the live one for shadow rules alone); null: no shadow. */
  shadowLimit: number | null;
}

export interface SeededMonth {
  days: SeededDay[];
  /** The recurring supporters at the end: a demo subscriber id → `{currency}:{annual}`. */
  supporters: Map<string, string>;
  /** The big story's day. */
  spikeDay: string;
}

/**
 * Per variant, in the configured order: the second one converts clearly better, so the
 * experiment table has a leader over a month. Assumptions; a ninth variant is not possible
 * (MAX_VARIANTS is 8).
 */
const VARIANT_RATES: readonly VariantRates[] = [
  { lift: 1, paid: 0.46 },
  { lift: 1.5, paid: 0.57 },
  { lift: 0.85, paid: 0.42 },
  { lift: 1.2, paid: 0.5 },
  { lift: 0.95, paid: 0.44 },
  { lift: 1.1, paid: 0.52 },
  { lift: 0.9, paid: 0.45 },
  { lift: 1.05, paid: 0.48 },
];

/**
 * Readers a month per distinct reader a day: the mix's readers read about 2.2 times a month,
 * rarely twice a day, so a day sees about 1 in 13 of the month's readers (measured).
 */
const DAYS_PER_MONTH_READER = 2.35;
/** The big story's newcomers, per ordinary day's readers. */
const SPIKE_NEWCOMERS = 1.6;
/** Share of metered reads answered `degraded`: a handful a day, and one bad hour. */
const DEGRADED = { usual: 0.0008, incident: 0.012 };
/** Recurring supporters who cancel, per supporter and day (about 4.5% a month). */
const CHURN_PER_DAY = 0.0015;

export function seedMonth(opts: SeedOptions): SeededMonth {
  if (!(opts.readersPerDay >= 1)) throw new Error('readersPerDay must be 1 or more');
  const rand = prng(opts.seed);
  const days = daysEnding(opts.endDay, opts.days ?? 30);
  const at = (share: number) => days[Math.floor(days.length * share)] as string;
  const spikeDay = at(0.35 + 0.4 * rand());
  const drawn = at(rand());
  const incidentDay = drawn === spikeDay ? at(0) : drawn;

  const months = monthsOf(days);
  const noise = new Map<string, number>();
  for (const month of months) for (const day of daysOfMonth(month)) noise.set(day, rand());
  const weightOf = (day: string) => dayWeight(day, spikeDay, noise.get(day) ?? 0.5);

  const ledger = new Ledger(days);
  const buy = purchasePicker(opts.offers);
  const supporters: Supporter[] = [];
  const rateOf = (variant: string) => {
    const i = opts.experiment.variants.findIndex((v) => v.id === variant);
    return VARIANT_RATES[Math.max(0, i)] ?? (VARIANT_RATES[0] as VariantRates);
  };
  let anonymousReaders = 0;
  for (const month of months) {
    anonymousReaders = Math.round(
      (opts.readersPerDay * daysOfMonth(month).length) / DAYS_PER_MONTH_READER,
    );
    const readers = planMonthReaders({
      month,
      weightOf,
      anonymousReaders,
      meterLimit: opts.meterLimit,
      spike: spikeDay.startsWith(month)
        ? { day: spikeDay, readers: Math.round(opts.readersPerDay * SPIKE_NEWCOMERS) }
        : null,
      degradedShare: (day) => (day === incidentDay ? DEGRADED.incident : DEGRADED.usual),
      rand,
      keyPrefix: `${opts.seed}:${month}:`,
    });
    for (const reader of readers) {
      const variant = assignVariant(reader.key, opts.experiment)?.id ?? NO_VARIANT;
      countReader(reader, variant, {
        ledger,
        rand,
        meterLimit: opts.meterLimit,
        shadowLimit: opts.shadowLimit,
        buy,
        rates: rateOf(variant),
        supporters,
      });
    }
  }

  // The subscribers who read were paying before the range: they are in the totals too.
  const already = Math.round(anonymousReaders * SHARES.subscribers);
  for (let i = 0, tries = 0; i < already && tries < already * 20; tries++) {
    const p = buy(rand);
    if (p.annual === null) continue;
    supporters.unshift({ since: '', offer: p.offer, currency: p.currency, annual: p.annual });
    i++;
  }
  const left = new Set<Supporter>();
  for (const day of days) {
    for (const s of supporters) {
      if (s.since >= day || left.has(s) || rand() >= CHURN_PER_DAY) continue;
      left.add(s);
      ledger.add(day, label.cancel(s.offer));
    }
  }
  // As the webhook keeps them (src/stats/stats.ts): one field per supporter still paying.
  const current = new Map<string, string>();
  supporters.forEach((s, i) => {
    if (!left.has(s)) current.set(`sbr_demo${i}`, supporterValue(s.currency, s.annual));
  });
  return { days: ledger.days(), supporters: current, spikeDay };
}
