import type Stripe from 'stripe';
import type { Interval } from '../clock';
import { ID_PREFIX, newId } from '../ids';
import { type Metadata, wireDecimal } from './common';

/** A price seeded through `StripeLocalOptions.prices`. */
export interface LocalPrice {
  id: string;
  unit_amount: number;
  currency: string;
  recurring?: { interval: Interval; interval_count?: number };
  /** The product's name (default: the nickname, else the price id). */
  product_name?: string;
  nickname?: string;
  lookup_key?: string;
  metadata?: Metadata;
}

export interface PriceInput {
  id?: string;
  unitAmount: number;
  currency: string;
  recurring?: { interval: Interval; interval_count: number } | undefined;
  product: string;
  nickname?: string | null;
  lookupKey?: string | null;
  metadata?: Metadata;
  /** Prices made from `price_data` are inactive, as Stripe makes them. */
  active?: boolean;
}

export function buildProduct(
  input: { name: string; description?: string | null; metadata?: Metadata; active?: boolean },
  now: number,
): Stripe.Product {
  return {
    id: newId(ID_PREFIX.product, 14),
    object: 'product',
    active: input.active ?? true,
    created: now,
    default_price: null,
    description: input.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
}

export function buildPrice(input: PriceInput, now: number): Stripe.Price {
  return {
    id: input.id ?? newId(ID_PREFIX.price, 24),
    object: 'price',
    active: input.active ?? true,
    billing_scheme: 'per_unit',
    created: now,
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookupKey ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: input.recurring
      ? {
          interval: input.recurring.interval,
          interval_count: input.recurring.interval_count,
          meter: null,
          trial_period_days: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: input.recurring ? 'recurring' : 'one_time',
    unit_amount: input.unitAmount,
    unit_amount_decimal: wireDecimal(input.unitAmount),
  };
}

/** Subscription items still carry the legacy `plan`, mirrored from the price. */
export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: recurring?.interval ?? 'month',
    interval_count: recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: typeof price.product === 'string' ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}
