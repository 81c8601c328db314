import type { Offers } from '../billing/offers';
import type { PromptCopy } from '../prompt/copy';
import { CONTRIBUTION_OFFER, type Variant } from './config';

/**
 * The prompt as one variant shows it: the site's copy and offers with the variant's overrides
 * applied. Pure; the inputs are never changed. Without a variant (no experiment), the prompt
 * is returned as configured.
 *
 * Two overrides are about presentation rather than copy or offers, because the renderer
 * (src/prompt/render.ts) draws the plans before the contribution form and selects the first
 * preset: `lead` says which block comes first, `selectedPreset` which preset starts
 * selected. Moving the preset to the front of `presets` instead would also change the order
 * the amounts are shown in, which would be a second change under test.
 *
 * An override naming an offer that is not configured is ignored here (the composed
 * configuration refuses it: `experimentOfferIssues` in ./config.ts), so a page never breaks.
 */
interface VariantPrompt {
  copy: PromptCopy;
  offers: Offers;
  /** Which block the prompt shows first. */
  lead: 'plans' | 'contributions';
  /** The contribution preset selected when the prompt opens; null without contributions. */
  selectedPreset: number | null;
}

type VariantOverrides = Pick<Variant, 'heading' | 'body' | 'firstOffer' | 'defaultContribution'>;

export function applyVariant(
  prompt: { copy: PromptCopy; offers: Offers },
  variant: VariantOverrides | null,
): VariantPrompt {
  const { copy, offers } = prompt;
  const presets = offers.contributions?.presets ?? [];
  const wanted = variant?.defaultContribution;
  const selectedPreset =
    wanted !== undefined && presets.includes(wanted) ? wanted : (presets[0] ?? null);
  const first = variant?.firstOffer;
  return {
    copy:
      variant && (variant.heading !== undefined || variant.body !== undefined)
        ? { ...copy, heading: variant.heading ?? copy.heading, body: variant.body ?? copy.body }
        : copy,
    offers: first && first !== CONTRIBUTION_OFFER ? planFirst(offers, first) : offers,
    lead: first === CONTRIBUTION_OFFER && offers.contributions ? 'contributions' : 'plans',
    selectedPreset,
  };
}

/** The plan with this id moved to the front, the others in their configured order. */
function planFirst(offers: Offers, planId: string): Offers {
  const index = offers.plans.findIndex((p) => p.id === planId);
  if (index <= 0) return offers;
  const plans = [...offers.plans];
  const [plan] = plans.splice(index, 1);
  return plan ? { ...offers, plans: [plan, ...plans] } : offers;
}
