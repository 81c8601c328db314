import type Stripe from 'stripe';
import type { Account } from '../account';
import { buildInvoice, buildInvoicePayment } from '../objects/invoice';
import { buildCharge, buildPaymentIntent } from '../objects/payment';
import type { SubscriptionRecord } from '../store';

// A subscription's invoices and the PaymentIntents that pay them, with the events Stripe
// sends for each step: invoice.created → invoice.finalized, then per attempt either
// charge.succeeded → payment_intent.succeeded → invoice.paid → invoice.payment_succeeded,
// or charge.failed → payment_intent.payment_failed → invoice.payment_failed.

export type ChargeOutcome = 'succeeded' | 'failed' | 'processing';

/** A finalized invoice for the period, its PaymentIntent, and the link between them. */
export function openInvoice(
  acct: Account,
  rec: SubscriptionRecord,
  billingReason: 'subscription_create' | 'subscription_cycle',
  period: { start: number; end: number },
): Stripe.Invoice {
  const now = acct.clock.now();
  const customer = acct.store.customers.get(String(rec.sub.customer));
  const invoice = buildInvoice(
    {
      subscription: rec.sub,
      customerEmail: customer?.email ?? null,
      billingReason,
      period,
      number: acct.store.nextInvoiceNumber(),
    },
    now,
  );
  acct.store.invoices.set(invoice.id, invoice);
  rec.sub.latest_invoice = invoice.id;
  // Stripe pays nothing for a zero invoice: no PaymentIntent, paid on finalization.
  if (invoice.amount_due === 0) return invoice;
  const pi = buildPaymentIntent(
    {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer as string,
      description:
        billingReason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      metadata: {},
      receiptEmail: null,
      status: 'requires_payment_method',
    },
    now,
  );
  const link = buildInvoicePayment(invoice, pi.id, now);
  acct.store.paymentIntents.set(pi.id, pi);
  acct.store.invoicePayments.set(link.id, link);
  return invoice;
}

/** invoice.created (as the draft it briefly was) and invoice.finalized. */
export function announceInvoice(acct: Account, invoice: Stripe.Invoice): void {
  acct.events.emit('invoice.created', {
    ...invoice,
    status: 'draft',
    number: null,
    effective_at: null,
    status_transitions: { ...invoice.status_transitions, finalized_at: null },
  });
  acct.events.emit('invoice.finalized', invoice);
}

/** One payment attempt on an open invoice. */
export function attemptInvoicePayment(
  acct: Account,
  invoice: Stripe.Invoice,
  outcome: ChargeOutcome,
) {
  const now = acct.clock.now();
  if (invoice.amount_due === 0) {
    markInvoicePaid(acct, invoice, undefined, now);
    return { pi: null, charge: null };
  }
  const link = acct.store.invoicePaymentsOf(invoice.id)[0];
  const pi = link ? acct.store.paymentIntents.get(String(link.payment.payment_intent)) : undefined;
  if (!link || !pi) throw new Error(`stripe-local: invoice ${invoice.id} has no PaymentIntent`);
  const charge = chargePaymentIntent(acct, pi, outcome, invoice.customer_email);
  invoice.attempted = true;
  invoice.attempt_count += 1;
  if (outcome === 'succeeded') {
    markInvoicePaid(acct, invoice, link, now);
  } else if (outcome === 'failed') {
    invoice.next_payment_attempt = now + 3 * 86_400;
    acct.events.emit('invoice.payment_failed', invoice);
  }
  return { pi, charge };
}

/** The charge for an attempt, and the PaymentIntent's new state, with their events. */
export function chargePaymentIntent(
  acct: Account,
  pi: Stripe.PaymentIntent,
  outcome: ChargeOutcome,
  email: string | null,
): Stripe.Charge {
  const now = acct.clock.now();
  const chargeStatus = outcome === 'processing' ? 'pending' : outcome;
  const charge = buildCharge(pi, chargeStatus, email, now);
  acct.store.charges.set(charge.id, charge);
  pi.latest_charge = charge.id;
  if (outcome === 'succeeded') {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    acct.events.emit('charge.succeeded', charge);
    acct.events.emit('payment_intent.succeeded', pi);
  } else if (outcome === 'processing') {
    pi.status = 'processing';
    acct.events.emit('charge.pending', charge);
    acct.events.emit('payment_intent.processing', pi);
  } else {
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      charge: charge.id,
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
      type: 'card_error',
    };
    acct.events.emit('charge.failed', charge);
    acct.events.emit('payment_intent.payment_failed', pi);
  }
  return charge;
}

/** Settles a `processing` charge (async methods) one way or the other, with its events. */
export function settleCharge(acct: Account, pi: Stripe.PaymentIntent, succeeded: boolean): void {
  const charge = acct.store.charges.get(String(pi.latest_charge));
  if (!charge) throw new Error(`stripe-local: ${pi.id} has no charge to settle`);
  if (succeeded) {
    Object.assign(charge, {
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: charge.amount,
    });
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    acct.events.emit('charge.succeeded', charge);
    acct.events.emit('payment_intent.succeeded', pi);
  } else {
    Object.assign(charge, {
      status: 'failed',
      failure_code: 'payment_method_provider_decline',
      failure_message: 'The payment was declined by the payment method provider.',
    });
    pi.status = 'requires_payment_method';
    acct.events.emit('charge.failed', charge);
    acct.events.emit('payment_intent.payment_failed', pi);
  }
}

export function markInvoicePaid(
  acct: Account,
  invoice: Stripe.Invoice,
  link: Stripe.InvoicePayment | undefined,
  now: number,
): void {
  Object.assign(invoice, {
    status: 'paid',
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    auto_advance: false,
    next_payment_attempt: null,
  });
  invoice.status_transitions.paid_at = now;
  if (link) {
    link.status = 'paid';
    link.amount_paid = invoice.amount_due;
    link.status_transitions.paid_at = now;
  }
  acct.events.emit('invoice.paid', invoice);
  acct.events.emit('invoice.payment_succeeded', invoice);
}

/** The PaymentIntent behind an invoice (its default invoice payment's). */
export function paymentIntentOf(
  acct: Account,
  invoiceId: string,
): Stripe.PaymentIntent | undefined {
  const link = acct.store.invoicePaymentsOf(invoiceId)[0];
  return link ? acct.store.paymentIntents.get(String(link.payment.payment_intent)) : undefined;
}
