import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, offersSchema, type Plan } from '../../../src/billing/offers';
import { applyVariant } from '../../../src/experiments/apply';
import { DEFAULT_COPY } from '../../../src/prompt/copy';
import { renderPrompt } from '../../../src/prompt/render';

// A variant's overrides applied to the prompt (src/experiments/apply.ts): pure, and only
// what the variant names.

const offers = offersSchema.parse(DEFAULT_OFFERS);
const prompt = { copy: DEFAULT_COPY, offers };
const frozen = structuredClone(prompt);

describe('applyVariant', () => {
  it('without a variant, or one that overrides nothing, is the prompt as configured', () => {
    for (const variant of [null, {}]) {
      const shown = applyVariant(prompt, variant);
      expect(shown.copy).toBe(DEFAULT_COPY);
      expect(shown.offers).toBe(offers);
      expect(shown.lead).toBe('plans');
      expect(shown.selectedPreset).toBe(300); // the first preset, as render.ts selects today
    }
  });

  it('replaces the heading and body it names, and nothing else', () => {
    const shown = applyVariant(prompt, { heading: 'Keep us independent' });
    expect(shown.copy.heading).toBe('Keep us independent');
    expect(shown.copy.body).toBe(DEFAULT_COPY.body);
    expect({ ...shown.copy, heading: DEFAULT_COPY.heading }).toEqual(DEFAULT_COPY);
    expect(applyVariant(prompt, { body: 'Short.' }).copy).toEqual({
      ...DEFAULT_COPY,
      body: 'Short.',
    });
    expect(prompt).toEqual(frozen);
  });

  it('moves the named plan first and keeps the rest in order', () => {
    const weekly: Plan = { ...(offers.plans[0] as Plan), id: 'weekly' };
    const three = { ...offers, plans: [...offers.plans, weekly] };
    const shown = applyVariant({ copy: DEFAULT_COPY, offers: three }, { firstOffer: 'weekly' });
    expect(shown.offers.plans.map((p) => p.id)).toEqual(['weekly', 'monthly', 'yearly']);
    expect(shown.offers.contributions).toBe(offers.contributions);
    expect(shown.lead).toBe('plans');
    expect(three.plans.map((p) => p.id)).toEqual(['monthly', 'yearly', 'weekly']);
  });

  it('leads with the contribution form for "contribution", if there is one', () => {
    const shown = applyVariant(prompt, { firstOffer: 'contribution' });
    expect(shown.lead).toBe('contributions');
    expect(shown.offers).toBe(offers);
    const plansOnly = { copy: DEFAULT_COPY, offers: { ...offers, contributions: null } };
    expect(applyVariant(plansOnly, { firstOffer: 'contribution' }).lead).toBe('plans');
  });

  it('selects the default contribution when it is a preset, else the first preset', () => {
    expect(applyVariant(prompt, { defaultContribution: 1000 }).selectedPreset).toBe(1000);
    expect(applyVariant(prompt, { defaultContribution: 700 }).selectedPreset).toBe(300);
    const plansOnly = { copy: DEFAULT_COPY, offers: { ...offers, contributions: null } };
    expect(applyVariant(plansOnly, { defaultContribution: 1000 }).selectedPreset).toBeNull();
  });

  it('ignores a plan id that is not configured (the configuration refuses it first)', () => {
    expect(applyVariant(prompt, { firstOffer: 'weekly' }).offers).toBe(offers);
  });

  it('renders as it says: the heading, and the plans in the new order', () => {
    const shown = applyVariant(prompt, { heading: 'Keep us independent', firstOffer: 'yearly' });
    const html = renderPrompt({ ...shown, returnTo: '/a', variant: 'wall', meter: null });
    expect(html).toContain('<h2 id="pw-h">Keep us independent</h2>');
    expect(html.indexOf('value="yearly"')).toBeLessThan(html.indexOf('value="monthly"'));
  });
});
