import type Stripe from 'stripe';
import type { Account } from '../account';
import { periodEnd } from '../clock';
import { invalidState } from '../errors';
import { changedFields } from '../events';
import { snapshot } from '../objects/common';
import { mainItem } from '../objects/subscription';
import type { SubscriptionRecord } from '../store';
import { announceInvoice, attemptInvoicePayment, openInvoice } from './invoicing';

// A subscription's life after checkout: cancellation at period end (and undoing it) from
// the portal, immediate cancellation, renewal and failed renewal. Every change goes through
// `change`, which emits customer.subscription.updated with Stripe's `previous_attributes`
// (the top-level fields that changed, old values).

export function change(
  acct: Account,
  rec: SubscriptionRecord,
  mutate: (sub: Stripe.Subscription) => void,
) {
  const before = snapshot(rec.sub);
  mutate(rec.sub);
  const previous = changedFields(before, rec.sub);
  if (Object.keys(previous).length > 0) {
    acct.events.emit('customer.subscription.updated', rec.sub, previous);
  }
}

/**
 * `cancel_at_period_end` as the portal sets it. Scheduling the cancellation sets `cancel_at`
 * to the period end and `canceled_at` to now (what Stripe does since cancel_at_period_end
 * became a view of cancel_at); undoing it clears both.
 */
export function setCancelAtPeriodEnd(acct: Account, rec: SubscriptionRecord, cancel: boolean) {
  const now = acct.clock.now();
  if (rec.sub.status === 'canceled') {
    throw invalidState(
      'A canceled subscription can only update its cancellation_details and metadata.',
      'cancel_at_period_end',
    );
  }
  change(acct, rec, (sub) => {
    if (cancel && !sub.cancel_at_period_end) {
      sub.cancel_at_period_end = true;
      sub.cancel_at = mainItem(sub).current_period_end;
      sub.canceled_at = now;
      sub.cancellation_details = { ...cancellationDetails(sub), reason: 'cancellation_requested' };
    } else if (!cancel && sub.cancel_at_period_end) {
      sub.cancel_at_period_end = false;
      sub.cancel_at = null;
      sub.canceled_at = null;
      sub.cancellation_details = { ...cancellationDetails(sub), reason: null };
    }
  });
}

/** Immediate cancellation (portal, control API): customer.subscription.deleted. */
export function cancelNow(
  acct: Account,
  rec: SubscriptionRecord,
  reason: Stripe.Subscription.CancellationDetails.Reason = 'cancellation_requested',
) {
  if (rec.sub.status === 'canceled') {
    throw invalidState(`The subscription ${rec.sub.id} has already been canceled.`);
  }
  const now = acct.clock.now();
  const sub = rec.sub;
  sub.status = 'canceled';
  sub.ended_at = now;
  sub.canceled_at = sub.canceled_at ?? now;
  sub.cancellation_details = { ...cancellationDetails(sub), reason };
  acct.events.emit('customer.subscription.deleted', sub);
}

/**
 * The next billing period, paid (`renew`) or not (`fail`). A subscription set to cancel at
 * period end ends instead. A past-due subscription has its open invoice retried: `renew`
 * succeeds it (back to active), `fail` fails it again.
 */
export function cycle(acct: Account, rec: SubscriptionRecord, outcome: 'succeeded' | 'failed') {
  const sub = rec.sub;
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidState(`The subscription ${sub.id} is ${sub.status} and cannot be renewed.`);
  }
  // A free subscription's zero invoices are paid without a charge: nothing can fail.
  if ((mainItem(sub).price.unit_amount ?? 0) === 0) outcome = 'succeeded';
  const open = sub.latest_invoice ? acct.store.invoices.get(String(sub.latest_invoice)) : undefined;
  if (open?.status === 'open') {
    attemptInvoicePayment(acct, open, outcome);
    const next = outcome === 'succeeded' ? 'active' : 'past_due';
    change(acct, rec, (s) => {
      s.status = next;
    });
    return;
  }
  if (sub.cancel_at_period_end) {
    cancelNow(acct, rec, 'cancellation_requested');
    return;
  }
  const item = mainItem(sub);
  const start = item.current_period_end;
  const end = periodEnd(sub.billing_cycle_anchor, rec.interval, rec.intervalCount, rec.cycle + 1);
  let invoice: Stripe.Invoice | undefined;
  change(acct, rec, () => {
    rec.cycle += 1;
    item.current_period_start = start;
    item.current_period_end = end;
    invoice = openInvoice(acct, rec, 'subscription_cycle', { start, end });
  });
  if (!invoice) return;
  announceInvoice(acct, invoice);
  attemptInvoicePayment(acct, invoice, outcome);
  if (outcome === 'failed') {
    change(acct, rec, (s) => {
      s.status = 'past_due';
    });
  }
}

/**
 * What time passing does (a moved clock): open sessions past `expires_at` expire, scheduled
 * cancellations take effect, and active subscriptions whose period ended renew (paid).
 */
export function sweep(acct: Account): void {
  const now = acct.clock.now();
  for (const rec of acct.store.sessions.values()) {
    const s = rec.session;
    if (s.status === 'open' && s.expires_at <= now) {
      s.status = 'expired';
      s.url = null;
      acct.events.emit('checkout.session.expired', s);
    }
  }
  for (const rec of acct.store.subscriptions.values()) {
    for (let guard = 0; guard < 1000; guard++) {
      const sub = rec.sub;
      if (sub.status === 'canceled') break;
      if (sub.cancel_at !== null && sub.cancel_at <= now) {
        cancelNow(acct, rec, 'cancellation_requested');
        break;
      }
      if (sub.status !== 'active' || mainItem(sub).current_period_end > now) break;
      cycle(acct, rec, 'succeeded');
    }
  }
}

function cancellationDetails(sub: Stripe.Subscription): Stripe.Subscription.CancellationDetails {
  return (
    sub.cancellation_details ?? {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: null,
    }
  );
}
