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
  .strict();

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
