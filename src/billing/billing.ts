import type Stripe from 'stripe';
import type { SubscriberRecord } from '../entitlements/record';
import { accessFromRecord } from '../entitlements/status';
import type { SubscriberStore } from '../entitlements/store';
import { addressKey, normalizeAddress } from '../identity/address';
import type { ReaderIdSigner } from '../reader/reader-id';
import type { CheckoutChoice } from './checkout';
import { type CheckoutRequest, createCheckoutSession } from './checkout-session';
import type { ContributionAccess } from './offers';
import { idOf, type Ownership, ownership, recordFromPayment, recordFromSubscription } from './sync';
import { type HandledEvent, handleStripeEvent, verifyStripeEvent } from './webhooks';

/**
 * Everything the worker asks of Stripe, and the only way to ask it: routes speak to Billing,
 * and only src/billing/ speaks to the Stripe SDK (docs/architecture.md, the boundaries).
 *
 * It keeps subscriber records in step with Stripe. Every sync re-fetches the object from
 * Stripe and writes a versioned record; the webhook and the return page both call these,
 * so whichever comes first does the work and the other is a harmless rewrite.
 *
 * Only objects tagged with this deployment's id create records. An untagged paywall object
 * (made before the tag existed) may only update a record that already exists, so legacy
 * subscriptions still lose access when cancelled, while another deployment's objects in a
 * shared Stripe account are never redeemed or synced here.
 *
 * Every method throws when Stripe (or Redis) fails: the caller fails closed.
 */
export interface Billing {
  /**
   * The Checkout Session for what the reader chose, and its URL (null if Stripe gave none).
   * The idempotency key makes a retry within 10 minutes Stripe's replay of the same session;
   * a replayed session the reader has since finished gets a session of its own.
   */
  createCheckout(choice: CheckoutChoice, request: CheckoutRequest): Promise<string | null>;
  /** A Checkout Session of this deployment; null when Stripe does not know the id, or it is another's. */
  ourSession(sessionId: string): Promise<Stripe.Checkout.Session | null>;
  /** A customer portal session for `customerId`, returning to `returnUrl`: its URL. */
  portalUrl(customerId: string, returnUrl: string): Promise<string>;
  /**
   * The ids of the customers with one of these e-mail addresses. Stripe's `email` filter is
   * exact and case-sensitive, so the caller passes each spelling it wants asked for.
   */
  customerIdsByEmail(spellings: readonly string[]): Promise<string[]>;
  /**
   * The event, when `signature` is Stripe's for this raw body under one of the webhook
   * secrets (several while one is rolled); null for any bad signature.
   */
  verifyEvent(rawBody: string, signature: string | undefined): Promise<Stripe.Event | null>;
  /**
   * The effect of one verified event: each case re-fetches what it names and syncs it, and
   * says what the event means for the publisher's numbers (a payment, a cancellation).
   */
  handleEvent(event: Stripe.Event): Promise<HandledEvent>;
  syncSubscription(subscriptionId: string): Promise<SubscriberRecord | null>;
  syncPayment(paymentIntentId: string): Promise<SubscriberRecord | null>;
  /** A paid (or no-payment-required) session of ours → its record; otherwise null. */
  syncSession(session: Stripe.Checkout.Session): Promise<SubscriberRecord | null>;
}

const NO_GRACE = { pastDueGraceDays: 0 };

/** One person rarely has more than a few customers (one per checkout without an account). */
const MAX_CUSTOMERS_PER_ADDRESS = 20;

export function createBilling(deps: {
  /** The SDK client, imported and built on first use (a metering-only isolate never needs it). */
  stripe: () => Promise<Stripe>;
  /** STRIPE_WEBHOOK_SECRET: the signing secrets of our webhook endpoint. */
  webhookSecrets: readonly string[];
  store: SubscriberStore;
  signer: ReaderIdSigner;
  deploymentId: string;
  access: ContributionAccess | null;
  /** A plan's billing interval by its id (the offers), for monthly recurring revenue. */
  planInterval?: (planId: string) => 'month' | 'year' | undefined;
  now: () => Date;
}): Billing {
  const { stripe, store, signer, deploymentId } = deps;
  const subscriberIdFor = async (stripeId: string) =>
    `sbr_${await signer.derive('stripe1', stripeId)}`;

  /** The previous record, or undefined when this object may not be synced here at all. */
  const admitted = async (
    owner: Ownership,
    subscriberId: string,
    strict: boolean,
  ): Promise<{ previous: SubscriberRecord | null } | undefined> => {
    if (owner === 'foreign' || (strict && owner !== 'ours')) return undefined;
    const previous = await store.get(subscriberId);
    if (owner === 'legacy' && previous === null) return undefined;
    return { previous };
  };

  const write = async (record: SubscriberRecord) => {
    await store.upsert(record);
    return record;
  };

  const syncSubscription = async (subscriptionId: string, strict: boolean) => {
    const sub = await (await stripe()).subscriptions.retrieve(subscriptionId);
    const subscriberId = await subscriberIdFor(sub.id);
    const ok = await admitted(ownership(sub.metadata, deploymentId), subscriberId, strict);
    if (!ok) return null;
    const ctx = { subscriberId, previous: ok.previous, now: deps.now(), access: deps.access };
    return write(recordFromSubscription(sub, ctx));
  };

  const syncPayment = async (paymentIntentId: string, strict: boolean) => {
    const pi = await (await stripe()).paymentIntents.retrieve(paymentIntentId, {
      expand: ['latest_charge'],
    });
    const subscriberId = await subscriberIdFor(pi.id);
    const ok = await admitted(ownership(pi.metadata, deploymentId), subscriberId, strict);
    if (!ok) return null;
    const now = deps.now();
    // Only a charge Stripe marks as disputed costs the extra call.
    const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
    const disputes = charge?.disputed
      ? (await (await stripe()).disputes.list({ payment_intent: pi.id, limit: 100 })).data
      : [];
    const ctx = { subscriberId, previous: ok.previous, now, access: deps.access };
    return write(recordFromPayment(pi, ctx, disputes));
  };

  /**
   * The address the payer gave Checkout names their account (as a keyed hash): signing in with
   * it on any device finds this support, however the address is capitalised. Only support that
   * grants access is linked, so a later thanks-only gift never hides a subscription.
   */
  const linkPayerAccount = async (session: Stripe.Checkout.Session, record: SubscriberRecord) => {
    // An erased account is not linked again from the address Stripe still holds.
    if (record.accountErased) return;
    const address = normalizeAddress(session.customer_details?.email ?? '');
    if (address === null) return;
    const grants = (r: SubscriberRecord) => accessFromRecord(r, deps.now(), NO_GRACE).entitled;
    if (!grants(record)) return;
    await store.linkAccount(await addressKey(signer, address), record.subscriberId, grants);
  };

  const syncSession = async (session: Stripe.Checkout.Session) => {
    if (ownership(session.metadata, deploymentId) !== 'ours') return null;
    if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required')
      return null;
    // What the session made must carry our tag too: redemption never adopts legacy objects.
    const subscription = idOf(session.subscription);
    const payment = idOf(session.payment_intent);
    const record = subscription
      ? await syncSubscription(subscription, true)
      : payment
        ? await syncPayment(payment, true)
        : null;
    if (record) await linkPayerAccount(session, record);
    return record;
  };

  const sync = {
    syncSubscription: (id: string) => syncSubscription(id, false),
    syncPayment: (id: string) => syncPayment(id, false),
    syncSession,
  };

  return {
    ...sync,
    createCheckout: async (choice, request) =>
      createCheckoutSession((await stripe()).checkout.sessions, choice, {
        ...request,
        deploymentId,
      }),
    async ourSession(sessionId) {
      let session: Stripe.Checkout.Session;
      try {
        session = await (await stripe()).checkout.sessions.retrieve(sessionId);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return null;
        throw error;
      }
      return ownership(session.metadata, deploymentId) === 'ours' ? session : null;
    },
    async portalUrl(customerId, returnUrl) {
      const portal = await (await stripe()).billingPortal.sessions.create({
        customer: customerId,
        return_url: returnUrl,
      });
      return portal.url;
    },
    async customerIdsByEmail(spellings) {
      const ids = new Set<string>();
      for (const email of new Set(spellings)) {
        const page = await (await stripe()).customers.list({
          email,
          limit: MAX_CUSTOMERS_PER_ADDRESS,
        });
        for (const customer of page.data) ids.add(customer.id);
      }
      return [...ids];
    },
    verifyEvent: async (rawBody, signature) =>
      verifyStripeEvent(await stripe(), rawBody, signature, deps.webhookSecrets),
    handleEvent: async (event) =>
      handleStripeEvent(event, sync, (await stripe()).checkout.sessions, deps.planInterval),
  };
}
