import { randomBytes } from 'node:crypto';

// Object ids shaped like Stripe's: a type prefix, then random base62. The prefix is what
// expand[] and the hosted pages use to find an object's kind, as Stripe's own ids allow.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 % 62 leaves a slight bias; these are test ids, not secrets.
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** e.g. newId('cus') → 'cus_9x…'; checkout sessions get Stripe's `cs_test_` form. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}

export const ID_PREFIX = {
  customer: 'cus',
  product: 'prod',
  price: 'price',
  session: 'cs_test',
  lineItem: 'li',
  subscription: 'sub',
  subscriptionItem: 'si',
  invoice: 'in',
  invoiceLine: 'il',
  invoicePayment: 'inpay',
  paymentIntent: 'pi',
  charge: 'ch',
  refund: 're',
  dispute: 'dp',
  portalSession: 'bps',
  portalConfiguration: 'bpc',
  event: 'evt',
  request: 'req',
  delivery: 'whdel',
} as const;
