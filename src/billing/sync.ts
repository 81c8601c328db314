import type Stripe from 'stripe';
import {
  BILLING_STATUSES,
  type BillingStatus,
  ENTITLEMENT_KINDS,
  type EntitlementKind,
  type SubscriberRecord,
} from '../entitlements/record';

/**
 * Stripe objects → subscriber records. Always built from objects just fetched from Stripe,
 * never from a webhook payload, because events arrive duplicated and out of order. The
 * record's version (`updatedAt`) is the time of that fetch, so a slower handler holding an
 * older view can never overwrite a newer one (the store refuses older versions).
 */
export interface SyncContext {
  /** Deterministic per Stripe subscription or payment: both webhook and return page agree. */
  subscriberId: string;
  previous: SubscriberRecord | null;
  now: Date;
  passDays: number;
}

export function isOurs(metadata: Stripe.Metadata | null | undefined): boolean {
  return metadata?.paywall === '1';
}

export function recordFromSubscription(
  sub: Stripe.Subscription,
  ctx: SyncContext,
): SubscriberRecord {
  const nowS = Math.floor(ctx.now.getTime() / 1000);
  const status = billingStatus(sub.status);
  const periodEnds = sub.items.data.map((item) => item.current_period_end);
  return {
    v: 1,
    subscriberId: ctx.subscriberId,
    kind: entitlementKind(sub.metadata.kind, 'subscription'),
    plan: sub.metadata.plan || 'subscription',
    status,
    currentPeriodEnd: periodEnds.length > 0 ? Math.max(...periodEnds) : null,
    // The grace period counts from the first failure we saw, not from each retry.
    pastDueSince: status === 'past_due' ? (ctx.previous?.pastDueSince ?? nowS) : null,
    stripe: { customerId: idOf(sub.customer), subscriptionId: sub.id },
    ...userKeyOf(sub.metadata, ctx.previous),
    updatedAt: ctx.now.getTime(),
  };
}

/** A one-time contribution: a supporter pass for `passDays` from the payment, until refunded. */
export function recordFromPayment(pi: Stripe.PaymentIntent, ctx: SyncContext): SubscriberRecord {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const refunded = charge !== null && (charge.refunded || charge.amount_refunded > 0);
  const status: BillingStatus = refunded
    ? 'refunded'
    : pi.status === 'succeeded'
      ? 'active'
      : 'incomplete';
  return {
    v: 1,
    subscriberId: ctx.subscriberId,
    kind: 'supporter_pass',
    plan: pi.metadata.plan || 'contribution-once',
    status,
    currentPeriodEnd: pi.created + ctx.passDays * 86_400,
    pastDueSince: null,
    stripe: { customerId: idOf(pi.customer), paymentIntentId: pi.id },
    ...userKeyOf(pi.metadata, ctx.previous),
    updatedAt: ctx.now.getTime(),
  };
}

function billingStatus(status: string): BillingStatus {
  return (BILLING_STATUSES as readonly string[]).includes(status)
    ? (status as BillingStatus)
    : 'incomplete';
}

function entitlementKind(value: string | undefined, fallback: EntitlementKind): EntitlementKind {
  return (ENTITLEMENT_KINDS as readonly string[]).includes(value ?? '')
    ? (value as EntitlementKind)
    : fallback;
}

/** A Stripe reference that may be an id or an expanded object. */
export function idOf(ref: string | { id: string } | null): string | undefined {
  if (ref === null) return undefined;
  return typeof ref === 'string' ? ref : ref.id;
}

function userKeyOf(
  metadata: Stripe.Metadata,
  previous: SubscriberRecord | null,
): { userKey?: string } {
  const userKey = metadata.userKey || previous?.userKey;
  return userKey ? { userKey } : {};
}
