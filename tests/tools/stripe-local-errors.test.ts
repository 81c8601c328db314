import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  AVAILABLE,
  newAccount,
  nowSeconds,
  SECONDS,
  STRIPE_URL,
  sdk,
} from './stripe-local-support';

// tools/stripe-local's failures, as the real SDK sees them: Stripe's error classes, codes and
// `param`s, idempotency replays and conflicts, and Stripe's form encoding sent by hand.

const SUCCESS_URL = 'https://site.test/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}';

describe.skipIf(!AVAILABLE)('stripe-local errors and idempotency', () => {
  it('answers a wrong key with 401 → StripeAuthenticationError', async () => {
    const error = await sdk('sk_test_wrong_key_0000')
      .customers.create({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk('x').errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, type: 'StripeAuthenticationError' });
    expect((error as Error).message).toMatch(/^Invalid API Key provided: sk_test_/);
  });

  it('answers unknown ids with 404 resource_missing → StripeInvalidRequestError', async () => {
    const acct = await newAccount();
    const errors = acct.stripe.errors;
    for (const call of [
      () => acct.stripe.subscriptions.retrieve('sub_missing'),
      () => acct.stripe.checkout.sessions.retrieve('cs_test_missing'),
      () => acct.stripe.paymentIntents.retrieve('pi_missing'),
      () => acct.stripe.disputes.close('dp_missing'),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    }
    // Objects are per account, like Stripe accounts.
    const other = await newAccount();
    const session = await other.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_monthly' }],
      success_url: SUCCESS_URL,
    });
    await expect(acct.stripe.checkout.sessions.retrieve(session.id)).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('answers a route it does not serve with 404, as Stripe answers an unknown one', async () => {
    const acct = await newAccount();
    const error = await acct.stripe.prices.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(acct.stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404 });
    expect((error as Error).message).toMatch(/^Unrecognized request URL \(GET: \/v1\/prices\)/);
  });

  it('refuses bad checkout parameters like Stripe, naming the parameter', async () => {
    const acct = await newAccount();
    const base = { success_url: SUCCESS_URL, mode: 'payment' as const };
    const cases: [Stripe.Checkout.SessionCreateParams, Record<string, unknown>][] = [
      [
        { ...base, line_items: [{ price: 'price_missing' }] },
        { code: 'resource_missing', param: 'line_items[0][price]' },
      ],
      [{ ...base, line_items: [{ price: 'price_local_monthly' }] }, { param: 'line_items' }],
      [
        {
          ...base,
          mode: 'subscription',
          line_items: [
            { price_data: { currency: 'eur', unit_amount: 5, product_data: { name: 'x' } } },
          ],
        },
        { param: 'line_items' },
      ],
      [
        { ...base, line_items: [{ price_data: { currency: 'eur', product_data: { name: 'x' } } }] },
        { code: 'parameter_missing', param: 'line_items[0][price_data][unit_amount]' },
      ],
      [
        {
          ...base,
          line_items: [{ price: 'price_local_monthly' }],
          mode: 'subscription',
          expires_at: nowSeconds() + 600,
        },
        { param: 'expires_at' },
      ],
      [
        {
          ...base,
          line_items: [{ price: 'price_local_monthly' }],
          mode: 'subscription',
          expires_at: nowSeconds() + 2 * SECONDS.day,
        },
        { param: 'expires_at' },
      ],
      [
        {
          ...base,
          line_items: [
            { price_data: { currency: 'eur', unit_amount: 60, product_data: { name: 'x' } } },
          ],
          customer: 'cus_missing',
        },
        { code: 'resource_missing', param: 'customer' },
      ],
      // Below Stripe's minimum charge (€0.50).
      [
        {
          ...base,
          line_items: [
            { price_data: { currency: 'eur', unit_amount: 49, product_data: { name: 'x' } } },
          ],
        },
        { code: 'amount_too_small', param: 'line_items' },
      ],
    ];
    for (const [params, expected] of cases) {
      const error = await acct.stripe.checkout.sessions.create(params).catch((e: unknown) => e);
      expect(error, JSON.stringify(params)).toBeInstanceOf(
        acct.stripe.errors.StripeInvalidRequestError,
      );
      expect(error).toMatchObject({ statusCode: 400, ...expected });
    }
    expect(await acct.stripe.checkout.sessions.list()).toMatchObject({ data: [] });
  });

  it('replays the same idempotent request and refuses a different one with the same key', async () => {
    const acct = await newAccount();
    const key = `checkout-${crypto.randomUUID()}`;
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      line_items: [{ price: 'price_local_yearly', quantity: 1 }],
      success_url: SUCCESS_URL,
      metadata: { readerId: 'r9' },
    };
    const first = await acct.stripe.checkout.sessions.create(params, { idempotencyKey: key });
    const second = await acct.stripe.checkout.sessions.create(params, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.idempotencyKey).toBe(key);
    // The same request sent another way (its own encoding order) is still the same request.
    const raw = await fetch(`${STRIPE_URL}/v1/checkout/sessions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${acct.key}`,
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': key,
      },
      body: new URLSearchParams({
        'metadata[readerId]': 'r9',
        'line_items[0][quantity]': '1',
        'line_items[0][price]': 'price_local_yearly',
        success_url: SUCCESS_URL,
        mode: 'subscription',
      }),
    });
    expect(raw.headers.get('idempotent-replayed')).toBe('true');
    expect(((await raw.json()) as { id: string }).id).toBe(first.id);
    expect((await acct.stripe.checkout.sessions.list()).data).toHaveLength(1);

    const error = await acct.stripe.checkout.sessions
      .create({ ...params, metadata: { readerId: 'other' } }, { idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(acct.stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
  });

  it('decodes nested form parameters and curl-style expand[]', async () => {
    const acct = await newAccount();
    const customer = await acct.stripe.customers.create({ email: 'form@example.com' });
    const body = new URLSearchParams({
      mode: 'payment',
      success_url: 'https://site.test/ok',
      'line_items[0][price_data][currency]': 'eur',
      'line_items[0][price_data][unit_amount]': '250',
      'line_items[0][price_data][product_data][name]': 'Coffee',
      'line_items[0][quantity]': '2',
      'metadata[0]': 'zero',
      'metadata[a b]': 'c&d',
      customer: customer.id,
      'expand[]': 'customer',
    });
    const response = await fetch(`${STRIPE_URL}/v1/checkout/sessions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${acct.key}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    const session = (await response.json()) as Stripe.Checkout.Session;
    expect(response.status).toBe(200);
    expect(session).toMatchObject({ amount_total: 500, metadata: { '0': 'zero', 'a b': 'c&d' } });
    expect((session.customer as Stripe.Customer).email).toBe('form@example.com');
  });
});
