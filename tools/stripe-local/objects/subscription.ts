import type Stripe from 'stripe';
import { ID_PREFIX, newId } from '../ids';
import { list, type Metadata } from './common';
import { planFromPrice } from './price';

export interface SubscriptionInput {
  customer: string;
  price: Stripe.Price;
  quantity: number;
  metadata: Metadata;
  description: string | null;
  /** Billing anchor and the end of the first period. */
  start: number;
  periodEnd: number;
  status: Stripe.Subscription.Status;
}

/**
 * Since API 2025-03-31 the billing period lives on each subscription item
 * (`items.data[i].current_period_start/end`), not on the subscription. Stripe's newer
 * default billing mode is `flexible`.
 */
export function buildSubscription(input: SubscriptionInput, now: number): Stripe.Subscription {
  const id = newId(ID_PREFIX.subscription, 24);
  const item: Stripe.SubscriptionItem = {
    id: newId(ID_PREFIX.subscriptionItem, 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: input.periodEnd,
    current_period_start: input.start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(input.price),
    price: input.price,
    quantity: input.quantity,
    subscription: id,
    tax_rates: [],
  };
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: input.start,
    billing_cycle_anchor_config: null,
    billing_mode: {
      flexible: { proration_discounts: 'included' },
      type: 'flexible',
      updated_at: now,
    },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: input.price.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: list([item], `/v1/subscription_items?subscription=${id}`),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.start,
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
    },
    trial_start: null,
  };
}

/** The subscription's (single) item: every subscription here has exactly one. */
export function mainItem(sub: Stripe.Subscription): Stripe.SubscriptionItem {
  const item = sub.items.data[0];
  if (!item) throw new Error(`stripe-local: subscription ${sub.id} has no items`);
  return item;
}
