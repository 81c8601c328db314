import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  AVAILABLE,
  newAccount,
  SECONDS,
  STRIPE_URL,
  type TestAccount,
  typeOf,
} from './stripe-local-support';

// The hosted pages of tools/stripe-local, driven as a browser would (plain form posts, no
// JavaScript), plus the card outcomes they offer: success, decline, and a delayed payment
// that settles later.

const SUCCESS_URL = 'https://site.test/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}';

async function donation(
  acct: TestAccount,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
) {
  return acct.stripe.checkout.sessions.create({
    mode: 'payment',
    submit_type: 'donate',
    line_items: [
      {
        price_data: { currency: 'eur', unit_amount: 1234, product_data: { name: 'Contribution' } },
      },
    ],
    success_url: SUCCESS_URL,
    cancel_url: 'https://site.test/2016/10/article',
    customer_email: 'donor@example.com',
    ...extra,
  });
}

/** Submits a form like a browser: url-encoded, redirects not followed. */
function post(url: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

describe.skipIf(!AVAILABLE)('stripe-local hosted checkout page', () => {
  it('shows the line items, the outcomes and a cancel link', async () => {
    const acct = await newAccount();
    const session = await donation(acct);
    const response = await fetch(session.url ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Contribution');
    expect(html).toContain('€12.34');
    expect(html).toContain(`<form method="post" action="/pay/${session.id}">`);
    for (const outcome of ['success', 'decline', 'async']) {
      expect(html).toMatch(
        new RegExp(`<label><input type="radio" name="outcome" value="${outcome}"`),
      );
    }
    expect(html).toContain('Donate €12.34');
    expect(html).toContain('href="https://site.test/2016/10/article"');
    expect(html).not.toContain('<script');
  });

  it('pays with the form and redirects to success_url with the session id', async () => {
    const acct = await newAccount();
    const session = await donation(acct, { customer_creation: 'always' });
    const response = await post(session.url ?? '', { outcome: 'success' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `https://site.test/_paywall/checkout/complete?session_id=${session.id}`,
    );
    // Deliveries were attempted before the redirect.
    expect((await acct.received()).map(typeOf)).toEqual([
      'customer.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const done = await acct.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(done.customer_details?.email).toBe('donor@example.com');
    expect(await (await fetch(`${STRIPE_URL}/pay/${session.id}`)).text()).toContain(
      'Payment complete',
    );
  });

  it('shows a declined card and keeps the session open, with no events', async () => {
    const acct = await newAccount();
    const session = await donation(acct);
    const response = await post(session.url ?? '', { outcome: 'decline' });
    expect(response.status).toBe(402);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Your card was declined.');
    expect((await acct.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

    const viaControl = await fetch(`${STRIPE_URL}/_control/checkout/sessions/${session.id}/pay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acct.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'decline' }),
    });
    expect(viaControl.status).toBe(402);
    expect(await viaControl.json()).toMatchObject({
      error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' },
    });
    expect((await acct.control<{ data: unknown[] }>('/_control/events')).data).toEqual([]);
  });

  it('completes a delayed payment unpaid, then settles it from the status page', async () => {
    const acct = await newAccount();
    const session = await acct.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_monthly' }],
      success_url: SUCCESS_URL,
      subscription_data: { metadata: { paywall: '1' } },
    });
    const paid = await post(session.url ?? '', { outcome: 'async', email: 'sepa@example.com' });
    expect(paid.status).toBe(303);
    const pending = await acct.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription'],
    });
    expect(pending).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect((pending.subscription as Stripe.Subscription).status).toBe('active');
    expect((await acct.received()).map(typeOf)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'charge.pending',
      'payment_intent.processing',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);

    const status = await (await fetch(`${STRIPE_URL}/pay/${session.id}`)).text();
    expect(status).toContain('Payment processing');
    const settled = await post(`${STRIPE_URL}/pay/${session.id}/settle`, { succeeded: 'true' });
    expect(settled.status).toBe(303);
    expect((await acct.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
    expect((await acct.received()).map(typeOf).slice(8)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'checkout.session.async_payment_succeeded',
    ]);
  });

  it('fails a delayed one-time payment through the control API', async () => {
    const acct = await newAccount();
    const session = await donation(acct);
    await acct.control(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'async' });
    const settled = await acct.control<{
      session: Stripe.Checkout.Session;
      events: { type: string }[];
    }>(`/_control/checkout/sessions/${session.id}/settle`, { succeeded: false });
    expect(settled.events.map((e) => e.type)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'checkout.session.async_payment_failed',
    ]);
    expect(settled.session.payment_status).toBe('unpaid');
    const pi = await acct.stripe.paymentIntents.retrieve(String(settled.session.payment_intent));
    expect(pi.status).toBe('requires_payment_method');
  });

  it('will not pay a session that expired with time', async () => {
    const acct = await newAccount();
    const session = await donation(acct);
    const moved = await acct.control<{ events: { type: string }[] }>('/_control/clock', {
      advanceSeconds: 25 * SECONDS.hour,
    });
    expect(moved.events.map((e) => e.type)).toEqual(['checkout.session.expired']);
    const expired = await acct.stripe.checkout.sessions.retrieve(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect(await (await fetch(`${STRIPE_URL}/pay/${session.id}`)).text()).toContain('expired');
    expect((await post(`${STRIPE_URL}/pay/${session.id}`, { outcome: 'success' })).status).toBe(
      400,
    );
    expect((await fetch(`${STRIPE_URL}/pay/cs_test_unknown`)).status).toBe(404);
  });
});

describe.skipIf(!AVAILABLE)('stripe-local customer portal page', () => {
  it('cancels at period end, undoes it, and cancels now, with subscription events', async () => {
    const acct = await newAccount();
    const checkout = await acct.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_yearly' }],
      success_url: SUCCESS_URL,
    });
    await acct.control(`/_control/checkout/sessions/${checkout.id}/pay`, { outcome: 'success' });
    const { subscription, customer } = await acct.stripe.checkout.sessions.retrieve(checkout.id);
    const subId = String(subscription);
    const portal = await acct.stripe.billingPortal.sessions.create({
      customer: String(customer),
      return_url: 'https://site.test/account',
    });

    const page = await (await fetch(portal.url)).text();
    expect(page).toContain('Yearly subscription');
    expect(page).toContain('Cancel subscription');
    expect(page).toContain('Cancel now');
    expect(page).toContain('href="https://site.test/account"');

    const base = `${portal.url}/subscriptions/${subId}`;
    const cancel = await post(`${base}/cancel`);
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(`/portal/${portal.id}`);
    const scheduled = await acct.stripe.subscriptions.retrieve(subId);
    expect(scheduled).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: scheduled.items.data[0]?.current_period_end,
      status: 'active',
      cancellation_details: { reason: 'cancellation_requested' },
    });
    expect(await (await fetch(portal.url)).text()).toMatch(
      /Cancels on \d{4}-\d{2}-\d{2}[\s\S]*Don't cancel/,
    );

    await post(`${base}/resume`);
    expect((await acct.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(false);
    await post(`${base}/cancel_now`);
    expect((await acct.stripe.subscriptions.retrieve(subId)).status).toBe('canceled');

    const types = (await acct.received()).map(typeOf);
    expect(types.slice(-4)).toEqual([
      'billing_portal.session.created',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
    // What changed, as src/billing reads a portal cancellation from the webhook.
    const [scheduledEvent, undoneEvent] = (await acct.verifiedEvents()).slice(-3) as [
      Stripe.CustomerSubscriptionUpdatedEvent,
      Stripe.CustomerSubscriptionUpdatedEvent,
    ];
    expect(scheduledEvent.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    expect(undoneEvent.data.previous_attributes).toMatchObject({ cancel_at_period_end: true });
    expect((await post(`${portal.url}/subscriptions/sub_other/cancel`)).status).toBe(404);
  });
});
