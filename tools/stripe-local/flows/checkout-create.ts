import type Stripe from 'stripe';
import type { Account } from '../account';
import type { Interval } from '../clock';
import { invalidParam, invalidState, missingParam, missingReference } from '../errors';
import { buildLineItem, buildSession } from '../objects/checkout-session';
import { buildPrice, buildProduct } from '../objects/price';
import { createMetadata, type Params } from '../params';

// POST /v1/checkout/sessions: Stripe's checks for the subset of Checkout we emulate, with
// Stripe's messages and `param`s, then an open session whose line items hold full prices.

const DAY = 86_400;
/**
 * Stripe's minimum charge per currency, in minor units (a payment-mode session below it is
 * refused; subscriptions may be free). Currencies not listed use 50.
 */
const MINIMUM_CHARGE: Record<string, number> = {
  gbp: 30,
  jpy: 50,
  hkd: 400,
  mxn: 1000,
  sek: 300,
  nok: 300,
  dkk: 250,
};
const INTERVALS = ['day', 'week', 'month', 'year'] as const;

export function createCheckoutSession(acct: Account, p: Params): Stripe.Checkout.Session {
  const now = acct.clock.now();
  const mode = p.oneOf('mode', ['payment', 'subscription', 'setup'] as const);
  if (!mode) throw missingParam('mode');
  if (mode === 'setup') throw invalidParam('mode', 'stripe-local does not emulate setup mode.');
  const uiMode = p.string('ui_mode');
  if (uiMode !== undefined && uiMode !== 'hosted_page' && uiMode !== 'hosted') {
    throw invalidParam(
      'ui_mode',
      `stripe-local only emulates hosted Checkout, not ui_mode=${uiMode}.`,
    );
  }

  const customer = p.string('customer');
  const customerEmail = p.string('customer_email');
  if (customer && customerEmail) {
    throw invalidState(
      'You may only specify one of these parameters: customer, customer_email.',
      'customer',
    );
  }
  if (customer && !acct.store.customers.has(customer)) {
    throw missingReference('customer', customer, 'customer');
  }
  if (customerEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(customerEmail)) {
    throw invalidParam(
      'customer_email',
      `Invalid email address: ${customerEmail}`,
      'email_invalid',
    );
  }
  const customerCreation = p.oneOf('customer_creation', ['always', 'if_required'] as const);
  if (customerCreation && mode !== 'payment') {
    throw invalidParam(
      'customer_creation',
      '`customer_creation` can only be used in `payment` mode.',
    );
  }
  if (customerCreation && customer) {
    throw invalidState(
      'You may only specify one of these parameters: customer, customer_creation.',
      'customer_creation',
    );
  }

  const subscriptionData = p.object('subscription_data');
  if (subscriptionData && mode !== 'subscription') {
    throw invalidParam(
      'subscription_data',
      'You can not pass `subscription_data` in `payment` mode.',
    );
  }
  const paymentIntentData = p.object('payment_intent_data');
  if (paymentIntentData && mode !== 'payment') {
    throw invalidParam(
      'payment_intent_data',
      'You can not pass `payment_intent_data` in `subscription` mode.',
    );
  }

  const expiresAt = p.int('expires_at') ?? now + DAY;
  if (expiresAt < now + 30 * 60) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
    );
  }
  if (expiresAt > now + DAY) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
    );
  }

  const lineItems = resolveLineItems(acct, p, mode, now);
  const clientReferenceId = p.string('client_reference_id') ?? null;
  if (clientReferenceId !== null && clientReferenceId.length > 200) {
    throw invalidParam(
      'client_reference_id',
      'client_reference_id must be at most 200 characters.',
    );
  }
  const session = buildSession(
    {
      mode,
      lineItems,
      currency: lineItems[0]?.currency ?? 'usd',
      successUrl: url(p, 'success_url'),
      cancelUrl: url(p, 'cancel_url'),
      clientReferenceId,
      customer: customer ?? null,
      customerEmail: customerEmail ?? null,
      customerCreation: mode === 'payment' ? (customerCreation ?? 'if_required') : null,
      metadata: createMetadata(p.metadata()),
      submitType:
        p.oneOf('submit_type', ['auto', 'book', 'donate', 'pay', 'subscribe'] as const) ?? null,
      allowPromotionCodes: p.bool('allow_promotion_codes') ?? null,
      locale: p.string('locale') ?? null,
      expiresAt,
      baseUrl: acct.baseUrl,
    },
    now,
  );
  acct.store.sessions.set(session.id, {
    session,
    lineItems,
    subscriptionData: {
      metadata: createMetadata(subscriptionData?.metadata()),
      description: subscriptionData?.string('description') ?? null,
    },
    paymentIntentData: {
      metadata: createMetadata(paymentIntentData?.metadata()),
      description: paymentIntentData?.string('description') ?? null,
    },
    pendingAsync: false,
    lastError: null,
  });
  return session;
}

function resolveLineItems(acct: Account, p: Params, mode: 'payment' | 'subscription', now: number) {
  const items = p.objects('line_items');
  if (!items || items.length === 0) throw missingParam('line_items');
  if (mode === 'subscription' && items.length > 1) {
    throw invalidParam('line_items', 'stripe-local supports one line item in subscription mode.');
  }
  const lineItems = items.map((item) => {
    const priceId = item.string('price');
    const priceData = item.object('price_data');
    if (priceId && priceData) {
      throw invalidState(
        'You may only specify one of these parameters: price, price_data.',
        item.path('price'),
      );
    }
    const price = priceId
      ? existingPrice(acct, priceId, item.path('price'))
      : inlinePrice(acct, item, now);
    const quantity = item.int('quantity', { min: 1 }) ?? 1;
    const product = acct.store.products.get(String(price.product));
    return buildLineItem(price, quantity, product?.name ?? price.nickname ?? price.id);
  });
  const currencies = new Set(lineItems.map((li) => li.currency));
  if (currencies.size > 1) {
    throw invalidParam('line_items', 'All line items must use the same currency.');
  }
  const recurring = lineItems.filter((li) => li.price?.recurring);
  if (mode === 'subscription' && recurring.length === 0) {
    throw invalidParam(
      'line_items',
      'You must provide at least one recurring price in `subscription` mode when using prices.',
    );
  }
  const total = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
  const minimum = MINIMUM_CHARGE[lineItems[0]?.currency ?? ''] ?? 50;
  if (mode === 'payment' && total < minimum) {
    throw invalidParam(
      'line_items',
      `The Checkout Session's total amount due must add up to at least ${minimum} (in the smallest currency unit) ${lineItems[0]?.currency}.`,
      'amount_too_small',
    );
  }
  if (mode === 'payment' && recurring.length > 0) {
    throw invalidParam(
      'line_items',
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
    );
  }
  return lineItems;
}

function existingPrice(acct: Account, id: string, param: string): Stripe.Price {
  const price = acct.store.prices.get(id);
  if (!price) throw missingReference('price', id, param);
  if (!price.active) {
    throw invalidParam(
      param,
      'The price specified is inactive. This field only accepts active prices.',
    );
  }
  return price;
}

/** `price_data`: an inactive price (and, for `product_data`, a product) made for this session. */
function inlinePrice(acct: Account, item: Params, now: number): Stripe.Price {
  const data = item.object('price_data');
  if (!data) throw missingParam(item.path('price'));
  const currency = data.requiredString('currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) {
    throw invalidParam(data.path('currency'), `Invalid currency: ${currency}`);
  }
  const unitAmount = data.int('unit_amount', { min: 0, max: 99_999_999 });
  if (unitAmount === undefined) throw missingParam(data.path('unit_amount'));
  const recurring = recurringOf(data.object('recurring'));
  let productId = data.string('product');
  if (productId && !acct.store.products.has(productId)) {
    throw missingReference('product', productId, data.path('product'));
  }
  if (!productId) {
    const productData = data.object('product_data');
    if (!productData) throw missingParam(data.path('product'));
    const product = buildProduct(
      {
        name: productData.requiredString('name'),
        description: productData.string('description') ?? null,
        metadata: createMetadata(productData.metadata()),
        active: false,
      },
      now,
    );
    acct.store.products.set(product.id, product);
    productId = product.id;
  }
  const price = buildPrice(
    { unitAmount, currency, recurring, product: productId, active: false },
    now,
  );
  acct.store.prices.set(price.id, price);
  return price;
}

/** `recurring[interval]` and `recurring[interval_count]`, or undefined for a one-time price. */
export function recurringOf(
  params: Params | undefined,
): { interval: Interval; interval_count: number } | undefined {
  if (!params) return undefined;
  const interval = params.oneOf('interval', INTERVALS);
  if (!interval) throw missingParam(params.path('interval'));
  return { interval, interval_count: params.int('interval_count', { min: 1, max: 365 }) ?? 1 };
}

function url(p: Params, key: string): string | null {
  const value = p.string(key);
  if (value === undefined || value === '') return null;
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalidParam(key, 'Not a valid URL', 'url_invalid');
  }
  return value;
}
