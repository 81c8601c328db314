import type Stripe from 'stripe';
import type { Billing } from './billing';
import { stripeCrypto } from './stripe-client';

/** Stripe's default tolerance: a signature older than 5 minutes is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks the signature on the raw body against each configured secret (several while a
 * secret is being rolled). Returns null for any bad signature: the only 400 we answer.
 */
export async function verifyStripeEvent(
  stripe: Stripe,
  rawBody: string,
  signature: string | undefined,
  secrets: readonly string[],
): Promise<Stripe.Event | null> {
  if (!signature) return null;
  for (const secret of secrets) {
    try {
      return await stripe.webhooks.constructEventAsync(
        rawBody,
        signature,
        secret,
        SIGNATURE_TOLERANCE_SECONDS,
        await stripeCrypto(),
      );
    } catch {
      // try the next secret
    }
  }
  return null;
}

/**
 * The effect of one event (Billing's `handleEvent`). Each case re-fetches what it needs from Stripe and syncs the
 * record; the payload only says which object to look at. Unknown types are acknowledged.
 */
export async function handleStripeEvent(
  event: Stripe.Event,
  billing: Pick<Billing, 'syncSession' | 'syncSubscription' | 'syncPayment'>,
  sessions: Pick<Stripe['checkout']['sessions'], 'retrieve'>,
): Promise<'synced' | 'ignored'> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = await sessions.retrieve(event.data.object.id);
      return (await billing.syncSession(session)) ? 'synced' : 'ignored';
    }
    case 'checkout.session.async_payment_failed':
      // Nothing was granted for an unpaid session, so there is nothing to take back.
      return 'ignored';
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return (await billing.syncSubscription(event.data.object.id)) ? 'synced' : 'ignored';
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const sub = event.data.object.parent?.subscription_details?.subscription;
      if (!sub) return 'ignored';
      return (await billing.syncSubscription(typeof sub === 'string' ? sub : sub.id))
        ? 'synced'
        : 'ignored';
    }
    case 'charge.refunded': {
      const pi = event.data.object.payment_intent;
      if (!pi) return 'ignored';
      return (await billing.syncPayment(typeof pi === 'string' ? pi : pi.id))
        ? 'synced'
        : 'ignored';
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed':
    case 'charge.dispute.funds_withdrawn':
    case 'charge.dispute.funds_reinstated': {
      // A supporter pass is re-synced from its payment, whose disputes are listed afresh: no
      // access while one is open or lost, back when it is won. A subscription's invoice
      // payments carry no paywall metadata, so their disputes are left to the subscription's
      // own status in Stripe (as refunds of invoices are): ignored here.
      const pi = event.data.object.payment_intent;
      if (!pi) return 'ignored';
      return (await billing.syncPayment(typeof pi === 'string' ? pi : pi.id))
        ? 'synced'
        : 'ignored';
    }
    default:
      return 'ignored';
  }
}
