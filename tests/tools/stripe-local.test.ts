import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AVAILABLE, idOf, newAccount, nowSeconds, SECONDS, typeOf } from './stripe-local-support';

// Conformance of tools/stripe-local with the real `stripe` SDK (worker build, fetch client,
// SubtleCrypto): the API subset src/ calls, read back the way src/ reads it; checkout paid
// through the control API; renewals, failures and cancellations; and signed webhooks that
// arrive in Stripe's order. Errors and idempotency are in stripe-local-errors.test.ts,
// webhook delivery in stripe-local-webhooks.test.ts, the hosted pages in
// stripe-local-pages.test.ts, disputes in stripe-local-disputes.test.ts.

const SUCCESS_URL = 'https://site.test/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}';

describe.skipIf(!AVAILABLE)('stripe-local API', () => {
  it('creates customers and finds them by exact e-mail, with a signed customer.created', async () => {
    const acct = await newAccount();
    const created = await acct.stripe.customers.create({
      email: 'reader@example.com',
      metadata: { readerId: 'r1', drop: '' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      email: 'reader@example.com',
      livemode: false,
    });
    // An empty value on create means nothing to delete, so it is dropped.
    expect(created.metadata).toEqual({ readerId: 'r1' });
    expect(created.id).toMatch(/^cus_/);
    const other = await acct.stripe.customers.create({ email: 'other@example.com' });

    // As src/identity/supporters.ts asks: Stripe's `email` filter is exact and case-sensitive.
    const found = await acct.stripe.customers.list({ email: 'reader@example.com', limit: 20 });
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
    expect((await acct.stripe.customers.list({ email: 'Reader@example.com' })).data).toEqual([]);
    expect((await acct.stripe.customers.list({ limit: 20 })).data.map((c) => c.id)).toEqual([
      other.id,
      created.id,
    ]);

    await acct.waitForDeliveries((got) => got.length >= 2);
    const events = await acct.verifiedEvents();
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.created']);
    const createdEvent = events[0] as Stripe.CustomerCreatedEvent;
    expect(createdEvent).toMatchObject({
      object: 'event',
      api_version: '2026-10-28.endive',
      livemode: false,
      data: { object: { id: created.id, email: 'reader@example.com' } },
    });
    expect(createdEvent.id).toMatch(/^evt_/);
    expect(createdEvent.request?.id).toMatch(/^req_/);
  });

  it('runs a subscription checkout end to end, in Stripe’s event order', async () => {
    const acct = await newAccount();
    const session = await acct.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_monthly', quantity: 1 }],
      success_url: SUCCESS_URL,
      cancel_url: 'https://site.test/2016/10/article',
      client_reference_id: 'reader-1',
      customer_email: 'sub@example.com',
      metadata: { paywall: '1', kind: 'subscription' },
      subscription_data: { metadata: { paywall: '1', plan: 'monthly' } },
      expires_at: nowSeconds() + SECONDS.hour,
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 500,
      currency: 'eur',
      subscription: null,
      client_reference_id: 'reader-1',
    });
    expect(session.url).toBe(`${new URL(session.url ?? '').origin}/pay/${session.id}`);

    const paid = await acct.control<{ redirectUrl: string; events: { type: string }[] }>(
      `/_control/checkout/sessions/${session.id}/pay`,
      { outcome: 'success' },
    );
    expect(paid.redirectUrl).toBe(
      `https://site.test/_paywall/checkout/complete?session_id=${session.id}`,
    );
    const order = [
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ];
    expect(paid.events.map((e) => e.type)).toEqual(order);

    const done = await acct.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription', 'customer', 'line_items', 'invoice.payments'],
    });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect(done.customer_details?.email).toBe('sub@example.com');
    const sub = done.subscription as Stripe.Subscription;
    const customer = done.customer as Stripe.Customer;
    expect(customer.email).toBe('sub@example.com');
    expect(sub).toMatchObject({
      status: 'active',
      customer: customer.id,
      metadata: { paywall: '1', plan: 'monthly' },
    });
    const item = sub.items.data[0] as Stripe.SubscriptionItem;
    expect(item.price.id).toBe('price_local_monthly');
    // The period lives on the item in this API version; a month from now.
    expect(item.current_period_end - item.current_period_start).toBeGreaterThanOrEqual(
      28 * SECONDS.day,
    );
    expect(item.current_period_end - item.current_period_start).toBeLessThanOrEqual(
      31 * SECONDS.day,
    );
    expect(done.line_items?.data[0]).toMatchObject({
      quantity: 1,
      amount_total: 500,
      description: 'Monthly subscription',
    });
    // The SDK reads decimal strings into its Decimal class.
    expect(String(done.line_items?.data[0]?.price?.unit_amount_decimal)).toBe('500');
    const invoice = done.invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: 'paid',
      amount_paid: 500,
      billing_reason: 'subscription_create',
    });
    expect(invoice.parent?.subscription_details?.subscription).toBe(sub.id);
    const pi = idOf(invoice.payments?.data[0]?.payment.payment_intent);
    expect((await acct.stripe.paymentIntents.retrieve(pi ?? '')).status).toBe('succeeded');

    const delivered = await acct.waitForDeliveries((got) => got.length >= order.length);
    expect(delivered.map(typeOf)).toEqual(order);
    const events = await acct.verifiedEvents();
    const created = events[1] as Stripe.CustomerSubscriptionCreatedEvent;
    const activated = events[8] as Stripe.CustomerSubscriptionUpdatedEvent;
    // Stripe creates Checkout subscriptions incomplete, then activates them once paid.
    expect(created.data.object.status).toBe('incomplete');
    expect(activated.data.object.status).toBe('active');
    expect(activated.data.previous_attributes).toMatchObject({ status: 'incomplete' });
    const completed = events[9] as Stripe.CheckoutSessionCompletedEvent;
    expect(completed.data.object).toMatchObject({
      id: session.id,
      subscription: sub.id,
      payment_status: 'paid',
    });
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
  });

  it('runs a pay-what-you-want donation with price_data in payment mode', async () => {
    const acct = await newAccount();
    const session = await acct.stripe.checkout.sessions.create({
      mode: 'payment',
      submit_type: 'donate',
      customer_creation: 'always',
      line_items: [
        {
          price_data: {
            currency: 'eur',
            unit_amount: 1234,
            product_data: { name: 'Contribution' },
          },
          quantity: 1,
        },
      ],
      payment_intent_data: { metadata: { paywall: '1', kind: 'supporter_pass' } },
      success_url: SUCCESS_URL,
    });
    expect(session).toMatchObject({
      submit_type: 'donate',
      amount_total: 1234,
      payment_intent: null,
      customer: null,
    });
    const withItems = await acct.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['line_items'],
    });
    expect(withItems.line_items?.data[0]?.price).toMatchObject({
      unit_amount: 1234,
      active: false,
      type: 'one_time',
    });

    const paid = await acct.control<{ events: { type: string }[] }>(
      `/_control/checkout/sessions/${session.id}/pay`,
      { outcome: 'success', email: 'donor@example.com' },
    );
    expect(paid.events.map((e) => e.type)).toEqual([
      'customer.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const done = await acct.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent.latest_charge'],
    });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      status: 'succeeded',
      amount: 1234,
      metadata: { paywall: '1', kind: 'supporter_pass' },
    });
    expect((pi.latest_charge as Stripe.Charge).refunded).toBe(false);
    expect(done.customer).toMatch(/^cus_/);

    const refund = await acct.control<{ events: { type: string }[] }>(
      `/_control/payment_intents/${pi.id}/refund`,
      {},
    );
    expect(refund.events.map((e) => e.type)).toEqual(['charge.refunded', 'refund.created']);
    const after = await acct.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(after.latest_charge).toMatchObject({ refunded: true, amount_refunded: 1234 });
  });

  it('leaves a guest checkout without a customer unless customer_creation is always', async () => {
    const acct = await newAccount();
    const session = await acct.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 300, product_data: { name: 'Tip' } } },
      ],
      success_url: SUCCESS_URL,
    });
    const paid = await acct.control<{
      events: { type: string }[];
      session: Stripe.Checkout.Session;
    }>(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'success' });
    expect(paid.session.customer).toBeNull();
    expect(paid.events.map((e) => e.type)).not.toContain('customer.created');
  });

  it('completes a free subscription as no_payment_required, with a paid zero invoice', async () => {
    const acct = await newAccount();
    const session = await acct.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [
        {
          price_data: {
            currency: 'eur',
            unit_amount: 0,
            recurring: { interval: 'month' },
            product_data: { name: 'Free' },
          },
        },
      ],
      success_url: SUCCESS_URL,
    });
    const paid = await acct.control<{
      events: { type: string }[];
      session: Stripe.Checkout.Session;
    }>(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'decline' });
    expect(paid.session.payment_status).toBe('no_payment_required');
    expect(paid.events.map((e) => e.type)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    const done = await acct.stripe.checkout.sessions.retrieve(paid.session.id, {
      expand: ['invoice.payments'],
    });
    expect(done.invoice).toMatchObject({ status: 'paid', amount_due: 0, payments: { data: [] } });
  });

  it('lists subscriptions by customer, and canceled ones only with status=all', async () => {
    const acct = await newAccount();
    const { sub, customer } = await paidSubscription(acct.stripe, acct.control);
    const listed = await acct.stripe.subscriptions.list({ customer });
    expect(listed.data.map((s) => s.id)).toEqual([sub.id]);

    const canceled = await acct.control<{
      subscription: Stripe.Subscription;
      events: { type: string }[];
    }>(`/_control/subscriptions/${sub.id}/cancel`, {});
    expect(canceled.events.map((e) => e.type)).toEqual(['customer.subscription.deleted']);
    expect(canceled.subscription).toMatchObject({
      status: 'canceled',
      cancellation_details: { reason: 'cancellation_requested' },
    });
    expect(canceled.subscription.ended_at).toBeTypeOf('number');
    expect((await acct.stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
    expect((await acct.stripe.subscriptions.list({ customer })).data).toEqual([]);
    expect((await acct.stripe.subscriptions.list({ customer, status: 'all' })).data).toHaveLength(
      1,
    );
    await expect(acct.control(`/_control/subscriptions/${sub.id}/cancel`, {})).rejects.toThrow(
      /already been canceled/,
    );
  });

  it('renews, fails and retries renewals, and ends a subscription at period end', async () => {
    const acct = await newAccount();
    const { sub } = await paidSubscription(acct.stripe, acct.control);
    const firstEnd = sub.items.data[0]?.current_period_end ?? 0;

    const renewed = await acct.control<{
      subscription: Stripe.Subscription;
      events: { type: string }[];
    }>(`/_control/subscriptions/${sub.id}/renew`, {});
    expect(renewed.events.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(renewed.subscription.items.data[0]?.current_period_start).toBe(firstEnd);
    const withInvoice = await acct.stripe.subscriptions.retrieve(sub.id, {
      expand: ['latest_invoice'],
    });
    expect(withInvoice.latest_invoice).toMatchObject({
      id: renewed.subscription.latest_invoice,
      status: 'paid',
      billing_reason: 'subscription_cycle',
    });

    const failed = await acct.control<{
      subscription: Stripe.Subscription;
      events: { type: string }[];
    }>(`/_control/subscriptions/${sub.id}/fail_payment`, {});
    expect(failed.events.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    expect((await acct.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');

    // A renewal while past due retries the open invoice and succeeds.
    const retried = await acct.control<{
      subscription: Stripe.Subscription;
      events: { type: string }[];
    }>(`/_control/subscriptions/${sub.id}/renew`, {});
    expect(retried.events.map((e) => e.type)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(retried.subscription.status).toBe('active');

    // The reader cancels in the portal (at period end); the next renewal ends it instead.
    await cancelAtPeriodEnd(acct.stripe, sub);
    const ended = await acct.control<{
      subscription: Stripe.Subscription;
      events: { type: string }[];
    }>(`/_control/subscriptions/${sub.id}/renew`, {});
    expect(ended.events.map((e) => e.type)).toEqual(['customer.subscription.deleted']);
    expect(ended.subscription.status).toBe('canceled');
  });

  it('creates portal sessions for a customer', async () => {
    const acct = await newAccount();
    const { customer } = await paidSubscription(acct.stripe, acct.control);
    const portal = await acct.stripe.billingPortal.sessions.create({
      customer,
      return_url: 'https://site.test/account',
    });
    expect(portal).toMatchObject({
      object: 'billing_portal.session',
      customer,
      return_url: 'https://site.test/account',
    });
    expect(portal.url).toMatch(new RegExp(`/portal/${portal.id}$`));
  });
});

/** What the reader's "Cancel subscription" button in the hosted portal does. */
async function cancelAtPeriodEnd(stripe: Stripe, sub: Stripe.Subscription): Promise<void> {
  const portal = await stripe.billingPortal.sessions.create({ customer: idOf(sub.customer) ?? '' });
  const response = await fetch(`${portal.url}/subscriptions/${sub.id}/cancel`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  expect((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(true);
}

/** A customer with an active, paid monthly subscription (through checkout, like a reader). */
async function paidSubscription(
  stripe: Stripe,
  control: <T>(path: string, body?: unknown) => Promise<T>,
): Promise<{ sub: Stripe.Subscription; customer: string }> {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: 'price_local_monthly', quantity: 1 }],
    success_url: SUCCESS_URL,
    subscription_data: { metadata: { paywall: '1' } },
  });
  await control(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'success' });
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
  const sub = done.subscription as Stripe.Subscription;
  return { sub, customer: idOf(sub.customer) ?? '' };
}
