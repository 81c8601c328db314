import { z } from 'zod';
import type { Offers } from '../billing/offers';

/**
 * The prompt experiment's configuration section: variants of the support prompt, each with a
 * weight, that readers are assigned to by a hash of their reader id (./assign.ts). `{}` or
 * no variants means no experiment: everyone sees the prompt as configured.
 *
 * A variant overrides only what it names, with the prompt copy's own field names (`heading`,
 * `body`: src/prompt/copy.ts) and the offers' own identifiers (a plan `id`, or
 * `contribution`: src/billing/offers.ts). Whether those identifiers exist is a question about
 * two sections at once, so `experimentOfferIssues` answers it for the composed configuration.
 */

const SLUG = /^[a-z0-9-]{1,32}$/;
const SLUG_MESSAGE = 'lower-case letters, digits and "-", 1 to 32 characters';
const slug = z.string().regex(SLUG, SLUG_MESSAGE);

/**
 * `firstOffer: "contribution"` puts the contribution form before the plans; any other value is
 * a plan id, whose plan moves to the front of the plans.
 */
export const CONTRIBUTION_OFFER = 'contribution';

export const MAX_VARIANTS = 8;

/** Same rules as the copy's own fields: trimmed plain text, never empty. */
const copyText = (max: number) => z.string().trim().min(1).max(max);

const variantSchema = z
  .object({
    /** Not `-`: the stats count readers outside any experiment under it (src/stats/labels.ts). */
    id: slug.refine((id) => id !== '-', '"-" is reserved for "no variant"'),
    /**
     * Relative share of readers: weights 2 and 1 split two thirds to one third. 0 pauses the
     * variant: its readers go to the others, and nobody moves between the others.
     */
    weight: z.number().min(0).max(1_000_000),
    /** Overrides the prompt copy's `heading`. */
    heading: copyText(120).optional(),
    /** Overrides the prompt copy's `body`. */
    body: copyText(600).optional(),
    /** A plan id (moved to the front of the plans) or `contribution` (the form goes first). */
    firstOffer: slug.optional(),
    /** The contribution preset selected when the prompt opens (minor units; one of `presets`). */
    defaultContribution: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict();

export const experimentsConfigSchema = z
  .object({
    /**
     * Part of every assignment's hash: renaming the experiment starts a fresh one, with every
     * reader assigned anew. Keep it while you only tune weights or copy.
     */
    id: slug.default('prompt'),
    variants: z
      .array(variantSchema)
      .max(MAX_VARIANTS)
      .refine((vs) => new Set(vs.map((v) => v.id)).size === vs.length, 'variant ids must be unique')
      .refine(
        (vs) => vs.length === 0 || vs.some((v) => v.weight > 0),
        'at least one variant needs a weight above 0',
      )
      .default([]),
  })
  .strict();

type ExperimentsConfig = z.infer<typeof experimentsConfigSchema>;
export type ExperimentsConfigInput = z.input<typeof experimentsConfigSchema>;
export type Variant = z.infer<typeof variantSchema>;

/** What assignment needs of the configuration (docs/architecture.md convention 7). */
export type Experiment = Pick<ExperimentsConfig, 'id' | 'variants'>;

interface ConfigIssue {
  /** Relative to the experiment section: `['variants', 1, 'firstOffer']`. */
  path: (string | number)[];
  message: string;
}

/**
 * Overrides that name offers which are not configured, for the composed configuration to
 * refuse (a `superRefine` in src/config.ts): a plan id no plan has, `contribution` without
 * contributions, a default contribution that is not one of the presets.
 */
export function experimentOfferIssues(experiment: Experiment, offers: Offers): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const plans = new Set(offers.plans.map((p) => p.id));
  const c = offers.contributions;
  experiment.variants.forEach((v, i) => {
    const first = v.firstOffer;
    if (first === CONTRIBUTION_OFFER ? !c : first !== undefined && !plans.has(first)) {
      issues.push({
        path: ['variants', i, 'firstOffer'],
        message: `names no configured offer: a plan id or "${CONTRIBUTION_OFFER}" (with contributions)`,
      });
    }
    if (v.defaultContribution !== undefined && !c?.presets.includes(v.defaultContribution)) {
      issues.push({
        path: ['variants', i, 'defaultContribution'],
        message: 'must be one of offers.contributions.presets',
      });
    }
  });
  return issues;
}
