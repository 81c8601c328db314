import type Stripe from 'stripe';
import { invalidState, missingReference } from '../errors';
import { chargeOf, refundCharge } from '../flows/refunds';
import { createMetadata } from '../params';
import { type ApiRouter, found, paginate } from './context';

// Invoices, invoice payments, PaymentIntents, charges and refunds: read-only except for
// POST /v1/refunds (charge.refunded, refund.created).

const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export function paymentRoutes(r: ApiRouter): void {
  r.add('GET', '/v1/invoices/:id', ({ acct, id }) =>
    found(acct.store.invoices.get(id), 'invoice', id),
  );
  r.add('GET', '/v1/invoices', ({ acct, input }) => {
    const customer = input.string('customer');
    const subscription = input.string('subscription');
    const status = input.string('status');
    const invoices = [...acct.store.invoices.values()].filter(
      (i) =>
        (!customer || i.customer === customer) &&
        (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
        (!status || i.status === status),
    );
    return paginate(invoices, input, '/v1/invoices');
  });

  r.add('GET', '/v1/invoice_payments/:id', ({ acct, id }) =>
    found(acct.store.invoicePayments.get(id), 'invoice_payment', id),
  );
  r.add('GET', '/v1/invoice_payments', ({ acct, input }) => {
    const invoice = input.string('invoice');
    const payments = [...acct.store.invoicePayments.values()].filter(
      (p) => !invoice || p.invoice === invoice,
    );
    return paginate(payments, input, '/v1/invoice_payments');
  });

  r.add('GET', '/v1/payment_intents/:id', ({ acct, id }) =>
    found(acct.store.paymentIntents.get(id), 'payment_intent', id),
  );

  r.add('GET', '/v1/charges/:id', ({ acct, id }) =>
    found(acct.store.charges.get(id), 'charge', id),
  );
  r.add('GET', '/v1/charges', ({ acct, input }) => {
    const pi = input.string('payment_intent');
    const customer = input.string('customer');
    const charges = [...acct.store.charges.values()].filter(
      (c) => (!pi || c.payment_intent === pi) && (!customer || c.customer === customer),
    );
    return paginate(charges, input, '/v1/charges');
  });

  r.add('POST', '/v1/refunds', ({ acct, input }) => {
    const chargeId = input.string('charge');
    const piId = input.string('payment_intent');
    if (chargeId && piId) {
      throw invalidState(
        'You may only specify one of these parameters: charge, payment_intent.',
        'charge',
      );
    }
    let charge: Stripe.Charge | undefined;
    if (chargeId) {
      charge = acct.store.charges.get(chargeId);
      if (!charge) throw missingReference('charge', chargeId, 'charge');
    } else if (piId) {
      const pi = acct.store.paymentIntents.get(piId);
      if (!pi) throw missingReference('payment_intent', piId, 'payment_intent');
      charge = chargeOf(acct, pi);
    } else {
      throw invalidState(
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    }
    return refundCharge(acct, charge, {
      amount: input.int('amount', { min: 1 }),
      reason: input.oneOf('reason', REFUND_REASONS) ?? null,
      metadata: createMetadata(input.metadata()),
    });
  });
  r.add('GET', '/v1/refunds/:id', ({ acct, id }) =>
    found(acct.store.refunds.get(id), 'refund', id),
  );
}
