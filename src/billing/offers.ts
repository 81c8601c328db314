import { z } from 'zod';

/**
 * What the support prompt offers, from server-side configuration only: a browser can pick
 * a plan id or an amount, never a price. Defaults match the prices `npm start` seeds into the
 * local Stripe emulator; in production, set your own Stripe price ids.
 */
const currency = z.string().regex(/^[a-z]{3}$/, 'a lower-case ISO 4217 code such as "eur"');

export const planSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'lower-case letters, digits and "-"'),
    name: z.string().min(1).max(64),
    /** The Stripe price this plan charges (recurring). */
    priceId: z.string().regex(/^price_[A-Za-z0-9_]{1,100}$/),
    /** For display only; Stripe charges the price above. Minor units. */
    amount: z.number().int().min(1),
    currency,
    interval: z.enum(['month', 'year']),
  })
  .strict();

export const contributionsSchema = z
  .object({
    currency,
    /** Preset buttons, minor units. */
    presets: z.array(z.number().int().min(1)).min(1).max(6),
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    oneTime: z.boolean(),
    monthly: z.boolean(),
    /** Days of unmetered reading a one-time contribution grants (a supporter pass). */
    passDays: z.number().int().min(0).max(366),
    /**
     * The smallest contribution that grants access, in minor units per month. A monthly
     * contribution at or above it reads like a subscription; a one-time contribution must
     * reach it pro-rated to `passDays`. Below it, a contribution is thanks-only. Unset: the
     * monthly plan's price in this currency (else the cheapest plan per month). `null`:
     * contributions never grant access.
     */
    accessFrom: z.number().int().min(1).max(100_000_000).nullable().optional(),
  })
  .strict()
  .refine((c) => c.min <= c.max, 'min must not exceed max')
  .refine(
    (c) => c.presets.every((p) => p >= c.min && p <= c.max),
    'presets must lie within min and max',
  );

export const offersSchema = z
  .object({
    plans: z
      .array(planSchema)
      .max(6)
      .refine(
        (plans) => new Set(plans.map((p) => p.id)).size === plans.length,
        'plan ids must be unique',
      ),
    contributions: contributionsSchema.nullable(),
  })
  .strict()
  .refine((o) => o.contributions === null || accessFromPerMonth(o) !== undefined, {
    path: ['contributions', 'accessFrom'],
    message:
      'no plan in the contributions currency to derive it from: set an amount (minor units a month) or null',
  });

export const DEFAULT_OFFERS: z.input<typeof offersSchema> = {
  plans: [
    {
      id: 'monthly',
      name: 'Monthly',
      priceId: 'price_local_monthly',
      amount: 500,
      currency: 'eur',
      interval: 'month',
    },
    {
      id: 'yearly',
      name: 'Yearly',
      priceId: 'price_local_yearly',
      amount: 5000,
      currency: 'eur',
      interval: 'year',
    },
  ],
  contributions: {
    currency: 'eur',
    presets: [300, 500, 1000],
    min: 100,
    max: 100_000,
    oneTime: true,
    monthly: true,
    passDays: 30,
  },
};

export type Offers = z.infer<typeof offersSchema>;
export type Plan = z.infer<typeof planSchema>;

type OffersShape = { plans: readonly Plan[]; contributions: Contributions | null };
export type Contributions = z.infer<typeof contributionsSchema>;

const MONTHS: Record<Plan['interval'], number> = { month: 1, year: 12 };

/**
 * The per-month amount from which a contribution grants access (minor units), `null` when
 * contributions never grant, `undefined` when it cannot be derived (a configuration error).
 * Derived like the issue asks: what the monthly plan costs for the same period, else the
 * cheapest plan normalised to a month, always in the contributions' own currency.
 */
export function accessFromPerMonth(offers: OffersShape): number | null | undefined {
  const c = offers.contributions;
  if (!c) return null;
  if (c.accessFrom !== undefined) return c.accessFrom;
  const same = offers.plans.filter((p) => p.currency === c.currency);
  const monthly = same.find((p) => p.interval === 'month');
  if (monthly) return monthly.amount;
  const perMonth = same.map((p) => Math.ceil(p.amount / MONTHS[p.interval]));
  return perMonth.length > 0 ? Math.min(...perMonth) : undefined;
}

/**
 * What a contribution must reach to grant access, per kind, in `currency`. A one-time pass
 * costs the monthly threshold pro-rated to its length (30 days = one month), rounded up, so a
 * pass is never cheaper per day than a monthly contribution. `null`: that kind never grants.
 */
export interface ContributionAccess {
  currency: string;
  monthly: number | null;
  once: number | null;
  passDays: number;
}

export function contributionAccess(offers: OffersShape): ContributionAccess | null {
  const c = offers.contributions;
  if (!c) return null;
  const perMonth = accessFromPerMonth(offers) ?? null;
  return {
    currency: c.currency,
    monthly: perMonth,
    once: perMonth === null || c.passDays === 0 ? null : Math.ceil((perMonth * c.passDays) / 30),
    passDays: c.passDays,
  };
}
