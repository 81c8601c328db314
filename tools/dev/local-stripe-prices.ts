import type { Offers } from '../../src/billing/offers';
import type { LocalPrice } from '../stripe-local/server';

/** The emulator starts with exactly the prices the paywall configuration offers. */
export function pricesForOffers(offers: Offers): LocalPrice[] {
  return offers.plans.map((plan) => ({
    id: plan.priceId,
    unit_amount: plan.amount,
    currency: plan.currency,
    recurring: { interval: plan.interval },
    product_name: plan.name,
  }));
}
