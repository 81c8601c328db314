import type Stripe from 'stripe';
import type { Account } from '../account';
import { asInterval, periodEnd } from '../clock';
import { cardDeclined, invalidState } from '../errors';
import { customerDetails } from '../objects/checkout-session';
import { buildCustomer } from '../objects/customer';
import { buildPaymentIntent } from '../objects/payment';
import { buildSubscription } from '../objects/subscription';
import type { SessionRecord, SubscriptionRecord } from '../store';
import {
  announceInvoice,
  attemptInvoicePayment,
  chargePaymentIntent,
  markInvoicePaid,
  openInvoice,
  paymentIntentOf,
  settleCharge,
} from './invoicing';
import { change } from './subscriptions';

// Paying a Checkout Session, as the hosted page's Pay button (or the control API) does.
//
//   success: the card is charged; the session completes `paid` (`no_payment_required`
//            for a free subscription, which gets a paid zero invoice and no charge).
//   decline: nothing changes but the error shown; the session stays open (no events).
//   async:   a delayed method (think SEPA debit): the session completes `unpaid` and the
//            payment settles later (`settle`), with async_payment_succeeded/_failed.
//
// Event order, payment mode:      [customer.created] charge.succeeded
//   payment_intent.succeeded checkout.session.completed
// Event order, subscription mode: [customer.created] customer.subscription.created
//   (status incomplete) invoice.created invoice.finalized charge.succeeded
//   payment_intent.succeeded invoice.paid invoice.payment_succeeded
//   customer.subscription.updated (incomplete → active) checkout.session.completed
// With `async`, the charge is `pending` (charge.pending, payment_intent.processing), the
// invoice stays open, and the subscription still becomes active, as Stripe activates
// subscriptions whose first payment is processing.

export type PayOutcome = 'success' | 'decline' | 'async';

export function payCheckoutSession(
  acct: Account,
  rec: SessionRecord,
  outcome: PayOutcome,
  email?: string,
) {
  const session = rec.session;
  if (session.status !== 'open') {
    throw invalidState(`This Checkout Session is ${session.status} and can no longer be paid.`);
  }
  // A free subscription (zero total) has nothing to pay, whatever the chosen card does.
  const free = (session.amount_total ?? 0) === 0;
  if (free) outcome = 'success';
  if (outcome === 'decline') {
    rec.lastError = 'Your card was declined.';
    throw cardDeclined();
  }
  rec.lastError = null;
  const payerEmail = email || session.customer_email || customerEmail(acct, session) || null;
  const customer = customerFor(acct, session, payerEmail);
  if (session.mode === 'subscription') {
    paySubscription(acct, rec, customer as string, outcome);
  } else {
    payOnce(acct, rec, customer, payerEmail, outcome);
  }
  rec.pendingAsync = outcome === 'async';
  Object.assign(session, {
    status: 'complete',
    payment_status: free ? 'no_payment_required' : outcome === 'async' ? 'unpaid' : 'paid',
    customer,
    customer_details: customerDetails(payerEmail),
    url: null,
  });
  acct.events.emit('checkout.session.completed', session);
  return session;
}

/** Where the browser goes after paying: success_url with the session id filled in. */
export function successRedirect(session: Stripe.Checkout.Session): string | null {
  return session.success_url?.replaceAll('{CHECKOUT_SESSION_ID}', session.id) ?? null;
}

/** Settles an `async` payment: the session's async_payment_succeeded or _failed. */
export function settleCheckoutSession(acct: Account, rec: SessionRecord, succeeded: boolean) {
  const session = rec.session;
  if (!rec.pendingAsync) {
    throw invalidState(`Checkout Session ${session.id} has no pending asynchronous payment.`);
  }
  rec.pendingAsync = false;
  if (session.mode === 'subscription') {
    const subRec = acct.store.subscriptions.get(String(session.subscription));
    const invoice = acct.store.invoices.get(String(session.invoice));
    const pi = invoice ? paymentIntentOf(acct, invoice.id) : undefined;
    if (!subRec || !invoice || !pi)
      throw new Error(`stripe-local: ${session.id} lost its subscription`);
    settleCharge(acct, pi, succeeded);
    if (succeeded) {
      const link = acct.store.invoicePaymentsOf(invoice.id)[0];
      if (link) markInvoicePaid(acct, invoice, link, acct.clock.now());
    } else {
      invoice.next_payment_attempt = null;
      acct.events.emit('invoice.payment_failed', invoice);
      change(acct, subRec, (s) => {
        s.status = 'past_due';
      });
    }
  } else {
    const pi = acct.store.paymentIntents.get(String(session.payment_intent));
    if (!pi) throw new Error(`stripe-local: ${session.id} lost its PaymentIntent`);
    settleCharge(acct, pi, succeeded);
  }
  if (succeeded) {
    session.payment_status = 'paid';
    acct.events.emit('checkout.session.async_payment_succeeded', session);
  } else {
    acct.events.emit('checkout.session.async_payment_failed', session);
  }
}

function customerEmail(acct: Account, session: Stripe.Checkout.Session): string | null {
  return session.customer
    ? (acct.store.customers.get(String(session.customer))?.email ?? null)
    : null;
}

/**
 * The session's customer, or a new one: always in subscription mode, and in payment mode
 * when `customer_creation: 'always'`. Otherwise Stripe leaves a guest (customer null).
 */
function customerFor(acct: Account, session: Stripe.Checkout.Session, email: string | null) {
  if (session.customer) return String(session.customer);
  if (session.mode === 'payment' && session.customer_creation !== 'always') return null;
  const customer = buildCustomer({ email }, acct.clock.now());
  acct.store.customers.set(customer.id, customer);
  acct.events.emit('customer.created', customer);
  return customer.id;
}

function payOnce(
  acct: Account,
  rec: SessionRecord,
  customer: string | null,
  email: string | null,
  outcome: 'success' | 'async',
) {
  const session = rec.session;
  const pi = buildPaymentIntent(
    {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      customer,
      description: rec.paymentIntentData.description,
      metadata: { ...rec.paymentIntentData.metadata },
      receiptEmail: null,
      status: 'requires_payment_method',
    },
    acct.clock.now(),
  );
  acct.store.paymentIntents.set(pi.id, pi);
  chargePaymentIntent(acct, pi, outcome === 'success' ? 'succeeded' : 'processing', email);
  session.payment_intent = pi.id;
}

function paySubscription(
  acct: Account,
  rec: SessionRecord,
  customer: string,
  outcome: 'success' | 'async',
) {
  const now = acct.clock.now();
  const line = rec.lineItems[0];
  const price = line?.price;
  if (!line || !price?.recurring)
    throw new Error('stripe-local: subscription session without a recurring price');
  const interval = asInterval(price.recurring.interval);
  const intervalCount = price.recurring.interval_count;
  const sub = buildSubscription(
    {
      customer,
      price,
      quantity: line.quantity ?? 1,
      metadata: { ...rec.subscriptionData.metadata },
      description: rec.subscriptionData.description,
      start: now,
      periodEnd: periodEnd(now, interval, intervalCount, 1),
      status: 'incomplete',
    },
    now,
  );
  const subRec: SubscriptionRecord = { sub, interval, intervalCount, cycle: 1 };
  acct.store.subscriptions.set(sub.id, subRec);
  const item = sub.items.data[0];
  const invoice = openInvoice(acct, subRec, 'subscription_create', {
    start: item?.current_period_start ?? now,
    end: item?.current_period_end ?? now,
  });
  acct.events.emit('customer.subscription.created', sub);
  announceInvoice(acct, invoice);
  attemptInvoicePayment(acct, invoice, outcome === 'success' ? 'succeeded' : 'processing');
  change(acct, subRec, (s) => {
    s.status = 'active';
  });
  rec.session.subscription = sub.id;
  rec.session.invoice = invoice.id;
}
