import type Stripe from 'stripe';
import type { Interval } from './clock';

// One account's objects, in memory. Objects are stored in their public Stripe shape; the
// few facts Stripe keeps but does not show (what a session will put on its subscription or
// payment, a subscription's billing interval and cycle) live beside them in records.

export interface SessionRecord {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  /** From `subscription_data`: copied onto the subscription at payment. */
  subscriptionData: { metadata: Record<string, string>; description: string | null };
  /** From `payment_intent_data`: copied onto the PaymentIntent at payment. */
  paymentIntentData: { metadata: Record<string, string>; description: string | null };
  /** An `async` payment that has not settled yet. */
  pendingAsync: boolean;
  /** The last decline, shown on the hosted page. */
  lastError: string | null;
}

export interface SubscriptionRecord {
  sub: Stripe.Subscription;
  interval: Interval;
  intervalCount: number;
  /** The current period is the `cycle`-th since the billing anchor (1-based). */
  cycle: number;
}

export class Store {
  readonly customers = new Map<string, Stripe.Customer>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  readonly invoicePayments = new Map<string, Stripe.InvoicePayment>();
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  readonly disputes = new Map<string, Stripe.Dispute>();
  readonly portalSessions = new Map<string, Stripe.BillingPortal.Session>();
  private invoiceNumber = 0;

  nextInvoiceNumber(): string {
    this.invoiceNumber += 1;
    return `LOCAL-${String(this.invoiceNumber).padStart(4, '0')}`;
  }

  /**
   * Any object by id, for expand[]: the id's prefix says which map to look in, as Stripe's
   * ids do. Prices are looked up by exact id because seeded prices may have any id.
   */
  find(id: string): { object: string } | undefined {
    const prefix = id.slice(0, id.indexOf('_') + 1);
    switch (prefix) {
      case 'cus_':
        return this.customers.get(id);
      case 'prod_':
        return this.products.get(id);
      case 'cs_':
        return this.sessions.get(id)?.session;
      case 'sub_':
        return this.subscriptions.get(id)?.sub;
      case 'in_':
        return this.invoices.get(id);
      case 'inpay_':
        return this.invoicePayments.get(id);
      case 'pi_':
        return this.paymentIntents.get(id);
      case 'ch_':
        return this.charges.get(id);
      case 're_':
        return this.refunds.get(id);
      case 'dp_':
        return this.disputes.get(id);
      case 'bps_':
        return this.portalSessions.get(id);
      default:
        return this.prices.get(id);
    }
  }

  invoicePaymentsOf(invoiceId: string): Stripe.InvoicePayment[] {
    return [...this.invoicePayments.values()].filter((p) => p.invoice === invoiceId);
  }
}
