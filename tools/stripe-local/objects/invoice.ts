import type Stripe from 'stripe';
import { ID_PREFIX, newId } from '../ids';
import { list, wireDecimal } from './common';
import { mainItem } from './subscription';

export interface InvoiceInput {
  subscription: Stripe.Subscription;
  customerEmail: string | null;
  billingReason: 'subscription_create' | 'subscription_cycle';
  /** The service period the line item bills for (the new period). */
  period: { start: number; end: number };
  /** `LOCAL-0001`-style, per account. */
  number: string;
}

/**
 * A finalized, open invoice for one subscription period. Stripe's quirk is kept: the
 * invoice's own `period_start/end` cover the period *before* the one billed (for the first
 * invoice both equal its creation time), while the line item's `period` is the one billed.
 * Since API 2025-03-31 the subscription is reached through `parent.subscription_details`
 * and payments through `payments` (an includable list), not `invoice.subscription` or
 * `invoice.payment_intent`.
 */
export function buildInvoice(input: InvoiceInput, now: number): Stripe.Invoice {
  const id = newId(ID_PREFIX.invoice, 24);
  const sub = input.subscription;
  const item = mainItem(sub);
  const amount = (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
  const productId =
    typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
  const line: Stripe.InvoiceLineItem = {
    id: newId(ID_PREFIX.invoiceLine, 24),
    object: 'line_item',
    amount,
    currency: sub.currency,
    description: `${item.quantity ?? 1} × ${item.price.nickname ?? item.price.id}`,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: id,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: sub.id,
        subscription_item: item.id,
      },
      type: 'subscription_item_details',
    },
    period: input.period,
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: item.price.id, product: productId },
      type: 'price_details',
      unit_amount_decimal: item.price.unit_amount_decimal,
    },
    quantity: item.quantity ?? 1,
    quantity_decimal: wireDecimal(item.quantity ?? 1),
    subscription: sub.id,
    subtotal: amount,
    taxes: [],
  };
  const previousStart =
    input.billingReason === 'subscription_create' ? now : item.current_period_start;
  const previousEnd = input.billingReason === 'subscription_create' ? now : input.period.start;
  return {
    id,
    object: 'invoice',
    account_country: 'DE',
    account_name: 'stripe-local',
    account_tax_ids: null,
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: amount,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: now,
    currency: sub.currency,
    custom_fields: null,
    customer: typeof sub.customer === 'string' ? sub.customer : sub.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: input.customerEmail,
    customer_name: null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: list([line], `/v1/invoices/${id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: input.number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
      type: 'subscription_details',
    },
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: previousEnd,
    period_start: previousStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'open',
    status_transitions: {
      finalized_at: now,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal: amount,
    subtotal_excluding_tax: amount,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
}

/** The link between an invoice and the PaymentIntent that pays it (API 2025-03-31+). */
export function buildInvoicePayment(
  invoice: Stripe.Invoice,
  paymentIntent: string,
  now: number,
): Stripe.InvoicePayment {
  return {
    id: newId(ID_PREFIX.invoicePayment, 24),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: paymentIntent, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
}
