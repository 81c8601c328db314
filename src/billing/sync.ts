import type Stripe from 'stripe';
import {
  BILLING_STATUSES,
  type BillingStatus,
  ENTITLEMENT_KINDS,
  type EntitlementKind,
  type SubscriberRecord,
} from '../entitlements/record';
import { DEPLOYMENT_METADATA_KEY } from './deployment';
import type { ContributionAccess } from './offers';

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
  /** What a contribution must reach to grant access; null: contributions are not offered. */
  access: ContributionAccess | null;
}

/**
 * Whose Stripe object this is. `ours`: made by this deployment's checkout. `legacy`: made by
 * a paywall before objects carried a deployment tag; it may keep an existing record in step
 * (a cancellation must still revoke) but never creates access. `foreign`: anything else,
 * including another deployment's objects in a shared Stripe account.
 */
export type Ownership = 'ours' | 'legacy' | 'foreign';

export function ownership(
  metadata: Stripe.Metadata | null | undefined,
  deploymentId: string,
): Ownership {
  if (metadata?.paywall !== '1') return 'foreign';
  const tag = metadata[DEPLOYMENT_METADATA_KEY];
  if (tag === undefined) return 'legacy';
  return tag === deploymentId ? 'ours' : 'foreign';
}

/** Made by this deployment (checkout redemption and every new record need this). */
export function isOurs(
  metadata: Stripe.Metadata | null | undefined,
  deploymentId: string,
): boolean {
  return ownership(metadata, deploymentId) === 'ours';
}

export function recordFromSubscription(
  sub: Stripe.Subscription,
  ctx: SyncContext,
): SubscriberRecord {
  const nowS = Math.floor(ctx.now.getTime() / 1000);
  const status = billingStatus(sub.status);
  const periodEnds = sub.items.data.map((item) => item.current_period_end);
  const kind = entitlementKind(sub.metadata.kind, 'subscription');
  return {
    v: 1,
    subscriberId: ctx.subscriberId,
    kind,
    plan: sub.metadata.plan || 'subscription',
    status,
    currentPeriodEnd: periodEnds.length > 0 ? Math.max(...periodEnds) : null,
    // The grace period counts from the first failure we saw, not from each retry.
    pastDueSince: status === 'past_due' ? (ctx.previous?.pastDueSince ?? nowS) : null,
    // A plan charges its configured price; a monthly contribution must reach the threshold.
    grantsAccess: kind === 'subscription' || monthlyMeetsThreshold(sub, ctx.access),
    stripe: { customerId: idOf(sub.customer), subscriptionId: sub.id },
    ...userKeyOf(sub.metadata, ctx.previous),
    updatedAt: ctx.now.getTime(),
  };
}

/**
 * A dispute that has not ended in our favour: open (`needs_response`, `under_review`),
 * an inquiry (`warning_*`), lost, under appeal, or a status Stripe adds later.
 */
const SETTLED_FOR_US = new Set(['won', 'prevented', 'warning_closed']);
export function disputeHolds(dispute: Pick<Stripe.Dispute, 'status'>): boolean {
  return !SETTLED_FOR_US.has(dispute.status);
}

/**
 * A one-time contribution: a supporter pass for `passDays` from the payment when the amount
 * received reaches the threshold, until refunded; no access while a dispute holds.
 * `disputes` are the payment's disputes as just listed from Stripe.
 */
export function recordFromPayment(
  pi: Stripe.PaymentIntent,
  ctx: SyncContext,
  disputes: readonly Pick<Stripe.Dispute, 'status'>[] = [],
): SubscriberRecord {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const refunded = charge !== null && (charge.refunded || charge.amount_refunded > 0);
  const status: BillingStatus = refunded
    ? 'refunded'
    : pi.status === 'succeeded'
      ? 'active'
      : 'incomplete';
  const once = ctx.access?.once ?? null;
  return {
    v: 1,
    subscriberId: ctx.subscriberId,
    kind: 'supporter_pass',
    plan: pi.metadata.plan || 'contribution-once',
    status,
    currentPeriodEnd: pi.created + (ctx.access?.passDays ?? 0) * 86_400,
    pastDueSince: null,
    // What Stripe says was received, in its currency: never an amount from metadata.
    grantsAccess:
      once !== null && pi.currency === ctx.access?.currency && pi.amount_received >= once,
    disputed: disputes.some(disputeHolds),
    stripe: { customerId: idOf(pi.customer), paymentIntentId: pi.id },
    ...userKeyOf(pi.metadata, ctx.previous),
    updatedAt: ctx.now.getTime(),
  };
}

const MONTHS_PER: Partial<Record<Stripe.Price.Recurring.Interval, number>> = {
  month: 1,
  year: 12,
};

/**
 * What the subscription charges per month, from its items' prices as Stripe holds them
 * (unit amount × quantity, per month). An item in another currency, without a unit amount
 * or billed weekly/daily makes the whole subscription thanks-only: fail closed.
 */
export function monthlyAmount(sub: Stripe.Subscription, currency: string): number | null {
  let total = 0;
  for (const item of sub.items.data) {
    const price = item.price;
    const months = price.recurring ? MONTHS_PER[price.recurring.interval] : undefined;
    if (price.currency !== currency || price.unit_amount === null || months === undefined)
      return null;
    const count = (price.recurring?.interval_count ?? 1) * months;
    total += (price.unit_amount * (item.quantity ?? 1)) / count;
  }
  return sub.items.data.length > 0 ? total : null;
}

function monthlyMeetsThreshold(
  sub: Stripe.Subscription,
  access: ContributionAccess | null,
): boolean {
  if (!access || access.monthly === null) return false;
  const amount = monthlyAmount(sub, access.currency);
  return amount !== null && amount >= access.monthly;
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

/**
 * Who the record is linked to: the site's user and/or our own account, kept once set. A site
 * user or an account erased from the record (`userErased`, `accountErased`) stays erased:
 * Stripe's metadata still names them, and would otherwise link them again on the next webhook.
 */
function userKeyOf(
  metadata: Stripe.Metadata,
  previous: SubscriberRecord | null,
): { userKey?: string; accountKey?: string; userErased?: true; accountErased?: true } {
  const erased = previous?.userErased === true;
  const userKey = erased ? undefined : metadata.userKey || previous?.userKey;
  const accountErased = previous?.accountErased === true;
  const fromMetadata =
    !accountErased && ACCOUNT_KEY.test(metadata.accountKey ?? '') ? metadata.accountKey : undefined;
  const accountKey = fromMetadata || previous?.accountKey;
  return {
    ...(userKey ? { userKey } : {}),
    ...(accountKey ? { accountKey } : {}),
    ...(erased ? { userErased: true as const } : {}),
    ...(accountErased ? { accountErased: true as const } : {}),
  };
}

/** An address key as src/identity/address.ts makes it: 128 bits, base64url. */
const ACCOUNT_KEY = /^[A-Za-z0-9_-]{22}$/;
