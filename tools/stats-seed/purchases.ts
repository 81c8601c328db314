import { type CheckoutChoice, planLabel } from '../../src/billing/checkout';
import type { Offers } from '../../src/billing/offers';
import { weightedPicker } from './calendar';

/**
 * What a reader buys at checkout, from the configured offers, named and priced as the worker
 * names and prices it: the offer id is `planLabel` (src/billing/checkout.ts), the annual
 * amount is what the payment webhook adds to the running totals (src/billing/webhooks.ts
 * `paidCount`: MRR × 12). Pure.
 */
export interface Purchase {
  offer: string;
  currency: string;
  /** Minor units, as charged once. */
  amount: number;
  /** Recurring revenue a year for a subscription or a monthly contribution; null when one-time. */
  annual: number | null;
}

/** Which offers readers pick. Assumption: most buy the monthly plan, a third give once. */
const PICK = { month: 0.42, year: 0.18, contributionOnce: 0.28, contributionMonthly: 0.12 };
/** Middle preset most often; a few type their own amount. */
const PRESET_WEIGHTS = [0.3, 0.45, 0.25];
const CUSTOM_SHARE = 0.08;

const MONTHS = { month: 1, year: 12 } as const;

export function purchasePicker(offers: Offers): (rand: () => number) => Purchase {
  const choices: { weight: number; choose: (rand: () => number) => CheckoutChoice }[] = [];
  for (const plan of offers.plans) {
    const sameInterval = offers.plans.filter((p) => p.interval === plan.interval).length;
    choices.push({
      weight: PICK[plan.interval] / sameInterval,
      choose: () => ({ kind: 'plan', plan }),
    });
  }
  const c = offers.contributions;
  if (c) {
    const amount = (rand: () => number) => {
      if (rand() < CUSTOM_SHARE) {
        const top = Math.min(c.max, (c.presets.at(-1) ?? c.min) * 3);
        return Math.max(c.min, Math.round((c.min + rand() * (top - c.min)) / 100) * 100);
      }
      const pick = weightedPicker(c.presets.map((_, i) => PRESET_WEIGHTS[i] ?? 0.1));
      return c.presets[pick(rand())] ?? c.min;
    };
    const contribution = (recurring: boolean) => (rand: () => number) =>
      ({ kind: 'contribution', amount: amount(rand), currency: c.currency, recurring }) as const;
    if (c.oneTime) choices.push({ weight: PICK.contributionOnce, choose: contribution(false) });
    if (c.monthly) choices.push({ weight: PICK.contributionMonthly, choose: contribution(true) });
  }
  if (choices.length === 0) throw new Error('no offers configured: nothing to buy');
  const pick = weightedPicker(choices.map((x) => x.weight));
  return (rand) => purchaseOf((choices[pick(rand())] as (typeof choices)[number]).choose(rand));
}

function purchaseOf(choice: CheckoutChoice): Purchase {
  if (choice.kind === 'plan') {
    const { plan } = choice;
    return {
      offer: planLabel(choice),
      currency: plan.currency,
      amount: plan.amount,
      annual: Math.round((plan.amount * 12) / MONTHS[plan.interval]),
    };
  }
  return {
    offer: planLabel(choice),
    currency: choice.currency,
    amount: choice.amount,
    annual: choice.recurring ? choice.amount * 12 : null,
  };
}
