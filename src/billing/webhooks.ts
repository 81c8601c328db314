import type Stripe from 'stripe';
import type { Billing } from './billing';
import { stripeCrypto } from './stripe-client';
import { idOf } from './sync';

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
 * What one event means for the publisher's numbers (src/stats/), counted once per event id
 * with the event's claim (src/billing/event-claims.ts). Amounts are minor units; `annual` is
 * what a recurring supporter brings in a year (monthly recurring revenue × 12, kept whole),
 * null for a one-time payment.
 */
export type BillingCount =
  | {
      kind: 'paid';
      /** The Checkout Session paid: counted once, whichever of its events comes first. */
      sessionId: string;
      /** The subscriber record it made (a pseudonym, `sbr_…`). */
      subscriberId: string;
      offer: string;
      variant: string | undefined;
      currency: string;
      amount: number;
      /** A subscription or a monthly contribution: one more recurring supporter. */
      recurring: boolean;
      annual: number | null;
    }
  | { kind: 'cancelled'; subscriberId: string; offer: string };

export interface HandledEvent {
  outcome: 'synced' | 'ignored';
  count: BillingCount | null;
}

const MONTHS = { month: 1, year: 12 } as const;

/**
 * The effect of one event (Billing's `handleEvent`). Each case re-fetches what it needs from
 * Stripe and syncs the record; the payload only says which object to look at. Unknown types
 * are acknowledged. A payment is counted from the session as Stripe holds it, and only when
 * the session synced (ours, and paid); a cancellation only when the subscription synced.
 */
export async function handleStripeEvent(
  event: Stripe.Event,
  billing: Pick<Billing, 'syncSession' | 'syncSubscription' | 'syncPayment'>,
  sessions: Pick<Stripe['checkout']['sessions'], 'retrieve'>,
  planInterval: (planId: string) => 'month' | 'year' | undefined = () => undefined,
): Promise<HandledEvent> {
  const done = (synced: unknown, count: BillingCount | null = null): HandledEvent =>
    synced ? { outcome: 'synced', count } : { outcome: 'ignored', count: null };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = await sessions.retrieve(event.data.object.id);
      const record = await billing.syncSession(session);
      return done(record, record && paidCount(session, record.subscriberId, planInterval));
    }
    case 'checkout.session.async_payment_failed':
      // Nothing was granted for an unpaid session, so there is nothing to take back.
      return done(null);
    case 'customer.subscription.deleted': {
      const record = await billing.syncSubscription(event.data.object.id);
      return done(
        record,
        record && { kind: 'cancelled', subscriberId: record.subscriberId, offer: record.plan },
      );
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
      return done(await billing.syncSubscription(event.data.object.id));
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const sub = event.data.object.parent?.subscription_details?.subscription;
      if (!sub) return done(null);
      return done(await billing.syncSubscription(idOf(sub) as string));
    }
    case 'charge.refunded': {
      const pi = event.data.object.payment_intent;
      if (!pi) return done(null);
      return done(await billing.syncPayment(idOf(pi) as string));
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
      if (!pi) return done(null);
      return done(await billing.syncPayment(idOf(pi) as string));
    }
    default:
      return done(null);
  }
}

/** A paid session as the stats count it: the offer and variant its checkout tagged it with. */
function paidCount(
  session: Stripe.Checkout.Session,
  subscriberId: string,
  planInterval: (planId: string) => 'month' | 'year' | undefined,
): BillingCount {
  const offer = session.metadata?.plan || 'unknown';
  const amount = session.amount_total ?? 0;
  const interval =
    session.mode !== 'subscription'
      ? undefined
      : offer === 'contribution-monthly'
        ? 'month'
        : planInterval(offer);
  return {
    kind: 'paid',
    sessionId: session.id,
    subscriberId,
    offer,
    variant: session.metadata?.variant,
    currency: session.currency ?? 'xxx',
    amount,
    recurring: session.mode === 'subscription',
    annual: interval === undefined ? null : Math.round((amount * 12) / MONTHS[interval]),
  };
}
