import { z } from 'zod';
import { shadowConfigSchema } from './access/shadow';
import { DEFAULT_OFFERS, offersSchema } from './billing/offers';
import { experimentOfferIssues, experimentsConfigSchema } from './experiments/config';
import { accountsConfigSchema } from './identity/config';
import { meterConfigSchema } from './meter/config';
import { promptCopySchema } from './prompt/copy';
import { proxyConfigSchema } from './proxy/config';
import { rulesConfigSchema } from './rules/config';
import { statsConfigSchema } from './stats/config';

/**
 * The paywall's own configuration (the PAYWALL_CONFIG var): meter, rules, wall shape and
 * allowed site origins. Every field has a default (docs/configuration.md), so `{}` is a valid
 * configuration: 3 distinct articles per calendar month (UTC), 2 lead paragraphs.
 *
 * A section that one concern reads has its schema in that concern (meter/config.ts,
 * rules/config.ts, proxy/config.ts, identity/config.ts, billing/offers.ts, prompt/copy.ts):
 * this file collects them, and no concern imports it (docs/architecture.md convention 17).
 */

export const paywallConfigSchema = z
  .object({
    meter: meterConfigSchema,
    /** First matching rule wins; an article no rule matches is metered. */
    rules: rulesConfigSchema,
    leadParagraphs: z.number().int().min(0).max(20).default(2),
    /** Origins allowed to post browser forms to us (checkout). Empty means same-origin only. */
    allowedOrigins: z.array(z.url().transform((u) => new URL(u).origin)).default([]),
    entitlements: z
      .object({
        /** Lifetime of an entitlement JWT: a cancelled subscription loses access within it. */
        tokenTtlSeconds: z.number().int().min(60).max(86_400).default(900),
        /** An expired token signed within this many days is refreshed from the record. */
        refreshHorizonDays: z.number().int().min(0).max(365).default(30),
        /** A `past_due` subscription keeps access this many days after the payment failed. */
        pastDueGraceDays: z.number().int().min(0).max(60).default(3),
        clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
      })
      .strict()
      .default({
        tokenTtlSeconds: 900,
        refreshHorizonDays: 30,
        pastDueGraceDays: 3,
        clockToleranceSeconds: 5,
      }),
    /** Plans and contributions the support prompt offers (prices stay server-side). */
    offers: offersSchema.prefault(DEFAULT_OFFERS),
    /**
     * Checkout sessions per minute: per client address (IPv6 by its /64), per reader, and for
     * the whole site. The site-wide ceiling bounds card testing from any number of addresses;
     * 60 a minute is several times a big news day's peak (a million readers converting at
     * 0.1% over an hour is about 17 a minute) and stays far below what card testers need.
     */
    checkoutRateLimit: z
      .object({
        perIp: z.number().int().min(1).max(10_000).default(20),
        /**
         * Per IPv6 /48 (an IPv4 address is its own network). Two /64s' worth, so a site
         * with several lines (an office, guest Wi-Fi) is not held tighter than two of them,
         * and below `siteWide`, so one /48 can never fill the site-wide ceiling alone.
         */
        perNetwork: z.number().int().min(1).max(10_000).default(40),
        perReader: z.number().int().min(1).max(10_000).default(10),
        siteWide: z.number().int().min(1).max(100_000).default(60),
      })
      .strict()
      .default({ perIp: 20, perNetwork: 40, perReader: 10, siteWide: 60 }),
    webhooks: z
      .object({
        /**
         * How long a claimed Stripe event stays claimed if the worker dies mid-processing (or
         * cannot release the claim because Redis failed); Stripe's next retry comes later.
         */
        processingClaimSeconds: z.number().int().min(1).max(600).default(60),
      })
      .strict()
      .default({ processingClaimSeconds: 60 }),
    /** The support prompt's and meter notice's words (defaults in our own words). */
    prompt: promptCopySchema.prefault({}),
    /** How the proxy recognises article pages and rewrites them. */
    proxy: proxyConfigSchema.prefault({}),
    /**
     * Readers as people: sign-in with an e-mailed code (needs a mailer, see
     * docs/accounts.md), and the registration wall. Off unless a mailer is configured.
     */
    accounts: accountsConfigSchema.prefault({}),
    /** What the meter does when Redis is unreachable: `open` grants with reason "degraded". */
    onMeterFailure: z.enum(['open', 'closed']).default('open'),
    /** The publisher's counters: how they are batched and how long they are kept. */
    stats: statsConfigSchema.prefault({}),
    /** Variants of the support prompt, each with a weight (docs/configuration.md). */
    experiment: experimentsConfigSchema.prefault({}),
    /** A candidate limit and rules, judged beside the live ones and counted, never applied. */
    shadow: shadowConfigSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const issue of experimentOfferIssues(config.experiment, config.offers)) {
      ctx.addIssue({ code: 'custom', path: ['experiment', ...issue.path], message: issue.message });
    }
  });

export type PaywallConfig = z.infer<typeof paywallConfigSchema>;
