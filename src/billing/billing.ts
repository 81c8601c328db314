import type Stripe from 'stripe';
import type { SubscriberRecord } from '../entitlements/record';
import type { SubscriberStore } from '../entitlements/store';
import type { ReaderIdSigner } from '../reader/reader-id';
import { idOf, isOurs, recordFromPayment, recordFromSubscription } from './sync';

/**
 * Keeps subscriber records in step with Stripe. Every sync re-fetches the object from
 * Stripe and writes a versioned record; the webhook and the return page both call these,
 * so whichever comes first does the work and the other is a harmless rewrite.
 */
export interface Billing {
  stripe: Stripe;
  syncSubscription(subscriptionId: string): Promise<SubscriberRecord | null>;
  syncPayment(paymentIntentId: string): Promise<SubscriberRecord | null>;
  /** A paid (or no-payment-required) session of ours → its record; otherwise null. */
  syncSession(session: Stripe.Checkout.Session): Promise<SubscriberRecord | null>;
}

export function createBilling(deps: {
  stripe: Stripe;
  store: SubscriberStore;
  signer: ReaderIdSigner;
  passDays: number;
  now: () => Date;
}): Billing {
  const { stripe, store, signer } = deps;
  const subscriberIdFor = async (stripeId: string) =>
    `sbr_${await signer.derive('stripe1', stripeId)}`;

  const write = async (record: SubscriberRecord) => {
    await store.upsert(record);
    return record;
  };

  const billing: Billing = {
    stripe,
    async syncSubscription(subscriptionId) {
      const sub = await stripe.subscriptions.retrieve(subscriptionId);
      if (!isOurs(sub.metadata)) return null;
      const subscriberId = await subscriberIdFor(sub.id);
      const previous = await store.get(subscriberId);
      return write(
        recordFromSubscription(sub, {
          subscriberId,
          previous,
          now: deps.now(),
          passDays: deps.passDays,
        }),
      );
    },
    async syncPayment(paymentIntentId) {
      const pi = await stripe.paymentIntents.retrieve(paymentIntentId, {
        expand: ['latest_charge'],
      });
      if (!isOurs(pi.metadata)) return null;
      const subscriberId = await subscriberIdFor(pi.id);
      const previous = await store.get(subscriberId);
      return write(
        recordFromPayment(pi, { subscriberId, previous, now: deps.now(), passDays: deps.passDays }),
      );
    },
    async syncSession(session) {
      if (!isOurs(session.metadata)) return null;
      if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required')
        return null;
      const subscription = idOf(session.subscription);
      if (subscription) return billing.syncSubscription(subscription);
      const payment = idOf(session.payment_intent);
      return payment ? billing.syncPayment(payment) : null;
    },
  };
  return billing;
}
