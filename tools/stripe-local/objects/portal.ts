import type Stripe from 'stripe';
import { ID_PREFIX, newId } from '../ids';

export function buildPortalSession(
  input: { customer: string; returnUrl: string | null; baseUrl: string; configuration: string },
  now: number,
): Stripe.BillingPortal.Session {
  const id = newId(ID_PREFIX.portalSession, 24);
  return {
    id,
    object: 'billing_portal.session',
    configuration: input.configuration,
    created: now,
    customer: input.customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: input.returnUrl,
    url: `${input.baseUrl}/portal/${id}`,
  };
}
