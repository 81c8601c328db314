import type Stripe from 'stripe';
import type { Account } from '../account';
import { invalidParam, missingParam, missingReference } from '../errors';
import { recurringOf } from '../flows/checkout-create';
import { buildPrice, buildProduct } from '../objects/price';
import { createMetadata, type Params } from '../params';
import { type ApiRouter, found, paginate } from './context';

// /v1/prices and /v1/products: what a pay-what-you-want flow needs (a price made on the
// fly, e.g. a monthly contribution of the reader's chosen amount) and lookups by id or
// lookup_key. Events: product.created (for product_data), price.created.

export function priceRoutes(r: ApiRouter): void {
  r.add('POST', '/v1/prices', ({ acct, input }) => createPrice(acct, input));
  r.add('GET', '/v1/prices/:id', ({ acct, id }) => found(acct.store.prices.get(id), 'price', id));
  r.add('GET', '/v1/prices', ({ acct, input }) => {
    const active = input.bool('active');
    const lookupKeys = input.strings('lookup_keys');
    const product = input.string('product');
    const type = input.string('type');
    const prices = [...acct.store.prices.values()].filter(
      (p) =>
        (active === undefined || p.active === active) &&
        (lookupKeys.length === 0 || (p.lookup_key !== null && lookupKeys.includes(p.lookup_key))) &&
        (!product || p.product === product) &&
        (!type || p.type === type),
    );
    return paginate(prices, input, '/v1/prices');
  });

  r.add('POST', '/v1/products', ({ acct, input }) => {
    const product = buildProduct(
      {
        name: input.requiredString('name'),
        description: input.nullableString('description') ?? null,
        metadata: createMetadata(input.metadata()),
        active: input.bool('active') ?? true,
      },
      acct.clock.now(),
    );
    acct.store.products.set(product.id, product);
    acct.events.emit('product.created', product);
    return product;
  });
  r.add('GET', '/v1/products/:id', ({ acct, id }) =>
    found(acct.store.products.get(id), 'product', id),
  );
}

function createPrice(acct: Account, input: Params): Stripe.Price {
  const now = acct.clock.now();
  const currency = input.requiredString('currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidParam('currency', `Invalid currency: ${currency}`);
  const unitAmount = input.int('unit_amount', { min: 0, max: 99_999_999 });
  if (unitAmount === undefined) throw missingParam('unit_amount');
  const lookupKey = input.string('lookup_key') ?? null;
  if (lookupKey !== null && !input.bool('transfer_lookup_key')) {
    const taken = [...acct.store.prices.values()].find((p) => p.lookup_key === lookupKey);
    if (taken) {
      throw invalidParam('lookup_key', `A price (\`${taken.id}\`) already uses that lookup key.`);
    }
  } else if (lookupKey !== null) {
    for (const p of acct.store.prices.values()) if (p.lookup_key === lookupKey) p.lookup_key = null;
  }
  let productId = input.string('product');
  if (productId && !acct.store.products.has(productId)) {
    throw missingReference('product', productId, 'product');
  }
  if (!productId) {
    const data = input.object('product_data');
    if (!data) throw missingParam('product');
    const product = buildProduct(
      { name: data.requiredString('name'), metadata: createMetadata(data.metadata()) },
      now,
    );
    acct.store.products.set(product.id, product);
    acct.events.emit('product.created', product);
    productId = product.id;
  }
  const price = buildPrice(
    {
      unitAmount,
      currency,
      recurring: recurringOf(input.object('recurring')),
      product: productId,
      nickname: input.string('nickname') ?? null,
      lookupKey,
      metadata: createMetadata(input.metadata()),
      active: input.bool('active') ?? true,
    },
    now,
  );
  acct.store.prices.set(price.id, price);
  acct.events.emit('price.created', price);
  return price;
}
