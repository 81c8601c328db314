import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AVAILABLE, newAccount, SECONDS, type TestAccount, verify } from './stripe-local-support';

// Webhook delivery from tools/stripe-local, checked at a real receiver with the SDK's own
// verification: signatures, retries with compressed backoff, giving up, and time moving on.
// Out-of-order and duplicated delivery is not the emulator's: tests/replay lists the events
// (GET /_control/events) and delivers them to the worker shuffled and repeated itself.

interface Delivery {
  event: string;
  attempt: number;
  reason: string;
  status: number | null;
  ok: boolean;
  error: string | null;
}

const SUCCESS_URL = 'https://site.test/done?session_id={CHECKOUT_SESSION_ID}';

/**
 * A paid monthly subscription checkout: ten events (see tools/stripe-local/README.md for the
 * order).
 */
async function subscribe(acct: TestAccount): Promise<string> {
  const session = await acct.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: 'price_local_monthly', quantity: 1 }],
    success_url: SUCCESS_URL,
  });
  await acct.control(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'success' });
  return session.id;
}

describe.skipIf(!AVAILABLE)('stripe-local webhooks', () => {
  it('signs each delivery with Stripe’s scheme over the exact raw body', async () => {
    const acct = await newAccount();
    const customer = await acct.stripe.customers.create({ email: 'sig@example.com' });
    const [captured] = await acct.waitForDeliveries((got) => got.length === 1);
    if (!captured) throw new Error('no delivery');
    expect(captured.contentType).toMatch(/^application\/json/);
    expect(captured.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = await verify(captured, acct.webhookSecret);
    expect(event).toMatchObject({
      type: 'customer.created',
      data: { object: { id: customer.id } },
    });

    const errors = acct.stripe.errors;
    const tampered = {
      ...captured,
      body: captured.body.replace('sig@example.com', 'evil@example.com'),
    };
    await expect(verify(tampered, acct.webhookSecret)).rejects.toBeInstanceOf(
      errors.StripeSignatureVerificationError,
    );
    await expect(verify(captured, 'whsec_wrong')).rejects.toBeInstanceOf(
      errors.StripeSignatureVerificationError,
    );

    // The event log has the same event; nothing is pending once delivered.
    const logged = await acct.control<{ data: Stripe.Event[] }>('/_control/events');
    expect(logged.data).toMatchObject([
      { id: event.id, type: 'customer.created', pending_webhooks: 0 },
    ]);
  });

  it('retries failed deliveries with the configured (compressed) backoff', async () => {
    const acct = await newAccount();
    await acct.control('/_control/delivery', { retryDelaysMs: [20, 40, 80] });
    await acct.failNextDeliveries(2, 503);
    await acct.stripe.customers.create({ email: 'retry@example.com' });
    const got = await acct.waitForDeliveries((received) => received.some((c) => c.status === 200));
    expect(got.map((c) => c.status)).toEqual([503, 503, 200]);
    // The same event and bytes each time, freshly signed.
    expect(new Set(got.map((c) => c.body)).size).toBe(1);
    await Promise.all(got.map((c) => verify(c, acct.webhookSecret)));

    const log = await acct.control<{ data: Delivery[] }>('/_control/deliveries');
    expect(
      log.data.map(({ attempt, reason, status, ok }) => ({ attempt, reason, status, ok })),
    ).toEqual([
      { attempt: 1, reason: 'immediate', status: 503, ok: false },
      { attempt: 2, reason: 'retry', status: 503, ok: false },
      { attempt: 3, reason: 'retry', status: 200, ok: true },
    ]);
  });

  it('records network failures and gives up after the last retry', async () => {
    const acct = await newAccount();
    await acct.control('/_control/delivery', {
      url: 'http://127.0.0.1:9/unreachable',
      retryDelaysMs: [10],
    });
    await acct.stripe.customers.create({});
    const log = await waitForLog(acct, (data) => data.length === 2 && data[1]?.error !== null);
    expect(log.map((d) => [d.attempt, d.reason, d.ok])).toEqual([
      [1, 'immediate', false],
      [2, 'retry', false],
    ]);
    expect(log[0]?.error).toBeTruthy();
    expect(log[1]?.error).toBeTruthy();
    expect(await acct.received()).toEqual([]);
  });

  it('moves an account’s clock: sessions expire and subscriptions renew', async () => {
    const acct = await newAccount();
    await subscribe(acct);
    const open = await acct.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_monthly' }],
      success_url: SUCCESS_URL,
    });
    const expired = await acct.control<{ events: { type: string }[] }>('/_control/clock', {
      advanceSeconds: 25 * SECONDS.hour,
    });
    expect(expired.events.map((e) => e.type)).toEqual(['checkout.session.expired']);
    expect((await acct.stripe.checkout.sessions.retrieve(open.id)).status).toBe('expired');

    const renewed = await acct.control<{ events: { type: string }[] }>('/_control/clock', {
      advanceSeconds: 31 * SECONDS.day,
    });
    expect(renewed.events.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('lists an object’s events in creation order', async () => {
    const acct = await newAccount();
    const sessionId = await subscribe(acct);
    const session = await acct.stripe.checkout.sessions.retrieve(sessionId);
    const subscription = String(session.subscription);
    await acct.control(`/_control/subscriptions/${subscription}/cancel`, {});
    const events = await acct.control<{ data: Stripe.Event[] }>(
      `/_control/events?object=${subscription}`,
    );
    expect(events.data.map((e) => e.type)).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
  });
});

async function waitForLog(
  acct: TestAccount,
  done: (data: Delivery[]) => boolean,
): Promise<Delivery[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { data } = await acct.control<{ data: Delivery[] }>('/_control/deliveries');
    if (done(data) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
