import { type ApiRouter, found, paginate } from './context';

// Payments, read-only: a PaymentIntent (src/billing syncs a one-time contribution from it,
// with expand[]=latest_charge), and lists of invoices and invoice payments (tests follow a
// subscription's payment to dispute it). Refunds come from the control API.

export function paymentRoutes(r: ApiRouter): void {
  r.add('GET', '/v1/payment_intents/:id', ({ acct, id }) =>
    found(acct.store.paymentIntents.get(id), 'payment_intent', id),
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

  r.add('GET', '/v1/invoice_payments', ({ acct, input }) => {
    const invoice = input.string('invoice');
    const payments = [...acct.store.invoicePayments.values()].filter(
      (p) => !invoice || p.invoice === invoice,
    );
    return paginate(payments, input, '/v1/invoice_payments');
  });
}
