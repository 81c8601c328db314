import { leadingVariant, wilsonInterval } from '../experiments/interval';
import {
  IDENTITY_EVENTS,
  PROMPT_KINDS,
  type StatsReport,
  VIEW_OUTCOMES,
  type ViewOutcome,
} from '../schemas/stats';
import type { StoredRange } from './store';

export type Granularity = StatsReport['granularity'];

/** The days from `from` to `to`, both included (`YYYY-MM-DD`, UTC). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The first day of the bucket a day falls in: itself, its ISO week's Monday, its month's 1st. */
export function bucketOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
  return new Date(t - weekday * 86_400_000).toISOString().slice(0, 10);
}

const WALLED: ReadonlySet<string> = new Set<ViewOutcome>(['meter_exhausted', 'premium']);

interface Sums {
  views: number;
  walled: number;
  prompts: number;
  checkouts: number;
  paid: number;
}
const zero = (): Sums => ({ views: 0, walled: 0, prompts: 0, checkouts: 0, paid: 0 });

/**
 * The report from what was stored (pure). Labels it does not know (written by a later
 * version) are skipped, so an older worker still reads a newer one's counters.
 */
export function buildReport(
  stored: StoredRange,
  ctx: {
    from: string;
    to: string;
    granularity: Granularity;
    /** The configured experiment's variants and weights; empty without one. */
    variants: readonly { id: string; weight: number }[];
    shadowConfigured: boolean;
  },
): StatsReport {
  const total = zero();
  const views = Object.fromEntries(VIEW_OUTCOMES.map((o) => [o, 0])) as Record<ViewOutcome, number>;
  const prompts = Object.fromEntries(PROMPT_KINDS.map((k) => [k, 0])) as StatsReport['prompts'];
  const identity = Object.fromEntries(
    IDENTITY_EVENTS.map((k) => [k, 0]),
  ) as StatsReport['identity'];
  let cancellations = 0;
  const shadowWalled = { live: 0, shadow: 0 };
  const revenue = new Map<
    string,
    { offer: string; currency: string; amount: number; payments: number }
  >();
  const perVariant = new Map<
    string,
    { prompts: number; checkouts: number; paid: number; revenue: Map<string, number> }
  >();
  const variantOf = (id: string) => {
    let v = perVariant.get(id);
    if (!v) {
      v = { prompts: 0, checkouts: 0, paid: 0, revenue: new Map() };
      perVariant.set(id, v);
    }
    return v;
  };
  const buckets = new Map<string, Sums>();

  for (const [day, labels] of stored.days) {
    const bucketStart = bucketOf(day, ctx.granularity);
    let bucket = buckets.get(bucketStart);
    if (!bucket) {
      bucket = zero();
      buckets.set(bucketStart, bucket);
    }
    for (const [name, n] of labels) {
      const [kind, a = '', b = '', c = ''] = name.split('|');
      switch (kind) {
        case 'view':
          if (!Object.hasOwn(views, a)) break;
          views[a as ViewOutcome] += n;
          bucket.views += n;
          if (WALLED.has(a)) bucket.walled += n;
          break;
        case 'prompt':
          if (Object.hasOwn(prompts, a)) prompts[a as keyof typeof prompts] += n;
          bucket.prompts += n;
          variantOf(b).prompts += n;
          break;
        case 'checkout':
          bucket.checkouts += n;
          variantOf(b).checkouts += n;
          break;
        case 'paid': {
          bucket.paid += n;
          variantOf(b).paid += n;
          entryOf(revenue, a, c).payments += n;
          break;
        }
        case 'amount': {
          entryOf(revenue, a, c).amount += n;
          const v = variantOf(b);
          v.revenue.set(c, (v.revenue.get(c) ?? 0) + n);
          break;
        }
        case 'cancel':
          cancellations += n;
          break;
        case 'identity':
          if (Object.hasOwn(identity, a)) identity[a as keyof typeof identity] += n;
          break;
        case 'walled':
          if (a === 'live' || a === 'shadow') shadowWalled[a] += n;
          break;
      }
    }
  }
  for (const b of buckets.values()) {
    total.views += b.views;
    total.walled += b.walled;
    total.prompts += b.prompts;
    total.checkouts += b.checkouts;
    total.paid += b.paid;
  }

  const byCurrency = new Map<string, { amount: number; payments: number }>();
  for (const r of revenue.values()) {
    const c = byCurrency.get(r.currency) ?? { amount: 0, payments: 0 };
    c.amount += r.amount;
    c.payments += r.payments;
    byCurrency.set(r.currency, c);
  }

  const variants = ctx.variants.map((configured) => {
    const v = variantOf(configured.id);
    return {
      id: configured.id,
      weight: configured.weight,
      prompts: v.prompts,
      checkouts: v.checkouts,
      paid: v.paid,
      revenue: [...v.revenue].map(([currency, amount]) => ({ currency, amount })),
      conversion: wilsonInterval(v.paid, v.prompts),
    };
  });

  const annual = new Map<string, number>();
  for (const value of stored.supporters.values()) {
    const [currency = '', amount = ''] = value.split(':');
    const n = Number(amount);
    if (amount !== '' && Number.isFinite(n)) annual.set(currency, (annual.get(currency) ?? 0) + n);
  }
  const active = stored.supporters.size;
  const mrr = [...annual].map(([currency, n]) => ({ currency, amount: Math.round(n / 12) }));

  return {
    from: ctx.from,
    to: ctx.to,
    granularity: ctx.granularity,
    funnel: total,
    conversion: {
      walledPerView: ratio(total.walled, total.views),
      checkoutPerPrompt: ratio(total.checkouts, total.prompts),
      paidPerCheckout: ratio(total.paid, total.checkouts),
      paidPerPrompt: ratio(total.paid, total.prompts),
    },
    views,
    prompts,
    identity,
    cancellations,
    revenue: [...revenue.values()].sort((x, y) => y.amount - x.amount),
    revenueByCurrency: [...byCurrency].map(([currency, c]) => ({ currency, ...c })),
    supporters: { active, mrr },
    series: [...buckets]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([start, sums]) => ({ start, ...sums })),
    experiments: {
      variants,
      leader:
        variants.length > 1
          ? leadingVariant(
              variants.map((v) => ({ id: v.id, successes: v.paid, trials: v.prompts })),
            )
          : null,
    },
    shadow: {
      configured: ctx.shadowConfigured,
      live: { walledViews: shadowWalled.live, walledReaders: stored.walledReaders.live },
      candidate: { walledViews: shadowWalled.shadow, walledReaders: stored.walledReaders.shadow },
    },
  };
}

function entryOf(
  revenue: Map<string, { offer: string; currency: string; amount: number; payments: number }>,
  offer: string,
  currency: string,
) {
  const key = `${offer}|${currency}`;
  let entry = revenue.get(key);
  if (!entry) {
    entry = { offer, currency, amount: 0, payments: 0 };
    revenue.set(key, entry);
  }
  return entry;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
