import { z } from '@hono/zod-openapi';
import { AccessReasonSchema } from './access';

/**
 * The publisher's numbers (GET /_paywall/v1/stats, and the dashboard at /_paywall/admin):
 * what the worker counted per UTC day, summed over the asked range. Amounts are in minor
 * units (cents) of their currency; a rate is null when its denominator is 0.
 */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Count = z.number().int().min(0);
const Rate = z.number().min(0).nullable();

/** Decision outcomes an article view is counted under: the access API's `reason`. */
export const VIEW_OUTCOMES = AccessReasonSchema.options;
export type ViewOutcome = (typeof VIEW_OUTCOMES)[number];

export const PROMPT_KINDS = ['wall', 'support'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export const IDENTITY_EVENTS = ['restore', 'registration', 'sign_in'] as const;
export type IdentityEvent = (typeof IDENTITY_EVENTS)[number];

const Money = z.object({ currency: z.string(), amount: z.number().int() });

/** The longest range one request may ask for (the default retention). */
export const MAX_STATS_DAYS = 400;

/** A UTC day from 2000 on: counters began long after, and year 0 has no day before it. */
const dayParam = z
  .string()
  .regex(/^(?:[2-9]\d{3})-\d{2}-\d{2}$/, 'a UTC date from 2000, YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'a real date');

export const StatsQuerySchema = z
  .object({
    from: dayParam.optional().openapi({
      description: 'First day (UTC), included. Default: 29 days before `to`.',
      example: '2026-11-01',
    }),
    to: dayParam.optional().openapi({
      description: 'Last day (UTC), included. Default: today.',
      example: '2026-11-30',
    }),
    granularity: z.enum(['day', 'week', 'month']).default('day').openapi({
      description: 'The buckets of `series`: days, ISO weeks (from Monday) or calendar months',
    }),
  })
  .openapi('StatsQuery');

const FunnelSchema = z.object({
  views: Count.openapi({ description: 'Article views counted (peeks are not views)' }),
  walled: Count.openapi({ description: 'Views denied: the meter exhausted or a premium article' }),
  prompts: Count.openapi({ description: 'Prompts shown, on the wall or as the support prompt' }),
  checkouts: Count.openapi({ description: 'Checkout sessions started' }),
  paid: Count.openapi({ description: 'Checkouts paid (from Stripe webhooks, once per event)' }),
});

const ConversionIntervalSchema = z.object({
  rate: Rate,
  low: Rate.openapi({ description: 'Lower end of the 95% Wilson score interval' }),
  high: Rate.openapi({ description: 'Upper end of the 95% Wilson score interval' }),
});

const VariantStatsSchema = z.object({
  id: z.string(),
  weight: z.number().min(0),
  prompts: Count,
  checkouts: Count,
  paid: Count,
  revenue: z.array(Money),
  conversion: ConversionIntervalSchema.openapi({ description: 'paid / prompts shown' }),
});

export const StatsReportSchema = z
  .object({
    from: Day,
    to: Day,
    granularity: z.enum(['day', 'week', 'month']),
    funnel: FunnelSchema,
    conversion: z.object({
      walledPerView: Rate,
      checkoutPerPrompt: Rate,
      paidPerCheckout: Rate,
      paidPerPrompt: Rate,
    }),
    views: z.record(z.enum(VIEW_OUTCOMES), Count),
    prompts: z.record(z.enum(PROMPT_KINDS), Count),
    identity: z.record(z.enum(IDENTITY_EVENTS), Count),
    cancellations: Count,
    revenue: z
      .array(Money.extend({ offer: z.string(), payments: Count }))
      .openapi({ description: 'Paid checkouts by offer and currency' }),
    revenueByCurrency: z.array(Money.extend({ payments: Count })),
    supporters: z.object({
      active: Count.openapi({
        description: 'Recurring supporters now (subscriptions started minus ended)',
      }),
      mrr: z.array(Money).openapi({ description: 'Monthly recurring revenue now, per currency' }),
    }),
    series: z.array(
      z.object({
        start: Day,
        views: Count,
        walled: Count,
        prompts: Count,
        checkouts: Count,
        paid: Count,
      }),
    ),
    experiments: z.object({
      variants: z.array(VariantStatsSchema),
      leader: z
        .object({
          id: z.string(),
          significant: z
            .boolean()
            .openapi({ description: "Its interval lies wholly above every other variant's" }),
        })
        .nullable(),
    }),
    shadow: z.object({
      configured: z.boolean(),
      live: z.object({ walledViews: Count, walledReaders: Count }),
      candidate: z.object({ walledViews: Count, walledReaders: Count }),
    }),
  })
  .openapi('StatsReport');

export type StatsReport = z.infer<typeof StatsReportSchema>;
