import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { seededRandom, shuffle } from '../../tools/stripe-local/shuffle';
import {
  AVAILABLE,
  newAccount,
  SECONDS,
  type TestAccount,
  typeOf,
  verify,
} from './stripe-local-support';

// Webhook delivery from tools/stripe-local, checked at a real receiver with the SDK's own
// verification: signatures, retries with compressed backoff, holding and flushing events
// shuffled and duplicated (deterministically, by seed), redelivery, and time moving on.

interface Delivery {
  event: string;
  attempt: number;
  reason: string;
  status: number | null;
  ok: boolean;
  error: string | null;
  copy: number;
}
interface FlushReport {
  order: { event: string; type: string; copy: number }[];
  deliveries: Delivery[];
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

    // The Events API has the same event; nothing is pending once delivered.
    const fetched = await acct.stripe.events.retrieve(event.id);
    expect(fetched).toMatchObject({ id: event.id, type: 'customer.created', pending_webhooks: 0 });
    const listed = await acct.stripe.events.list({ type: 'customer.*' });
    expect(listed.data.map((e) => e.id)).toEqual([event.id]);
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

  it('records network failures, gives up after the last retry, and redelivers on request', async () => {
    const acct = await newAccount();
    const { url: goodUrl } = await acct.control<{ url: string }>('/_control/delivery', {});
    await acct.control('/_control/delivery', {
      url: 'http://127.0.0.1:9/unreachable',
      retryDelaysMs: [10],
    });
    await acct.stripe.customers.create({});
    let log = await waitForLog(acct, (data) => data.length === 2);
    expect(log.map((d) => [d.attempt, d.ok])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(log[0]?.error).toBeTruthy();
    expect(await acct.received()).toEqual([]);

    await acct.control('/_control/delivery', { url: goodUrl });
    const eventId = log[0]?.event ?? '';
    const redelivered = await acct.control<Delivery>(`/_control/events/${eventId}/redeliver`, {});
    expect(redelivered).toMatchObject({
      event: eventId,
      reason: 'redeliver',
      ok: true,
      status: 200,
    });
    const [captured] = await acct.received();
    expect((await verify(captured as never, acct.webhookSecret)).id).toBe(eventId);
    log = await waitForLog(acct, (data) => data.length === 3);
    expect(log.map((d) => d.reason)).toEqual(['immediate', 'retry', 'redeliver']);
  });

  it('holds events, then flushes them shuffled by seed with duplicates', async () => {
    const acct = await newAccount();
    await acct.control('/_control/delivery', { mode: 'hold' });
    await acct.stripe.customers.create({ email: 'held@example.com' });
    await subscribe(acct);
    const all = await acct.control<{ data: Stripe.Event[] }>('/_control/events');
    const created = all.data.map((e) => e.id);
    expect(created).toHaveLength(11);
    expect(await acct.received()).toEqual([]);
    expect(await acct.control('/_control/deliveries')).toMatchObject({
      mode: 'hold',
      held: 11,
      data: [],
    });

    const report = await acct.control<FlushReport>('/_control/flush', {
      shuffleSeed: 42,
      duplicate: 1,
    });
    // Deterministic: the seed's Fisher–Yates order of (event, copy) pairs in creation order.
    const expected = shuffle(
      created.flatMap((event) => [0, 1].map((copy) => ({ event, copy }))),
      seededRandom(42),
    );
    expect(report.order.map(({ event, copy }) => ({ event, copy }))).toEqual(expected);
    expect(report.order.map((o) => o.event)).not.toEqual(created.flatMap((id) => [id, id]));
    expect(report.deliveries.every((d) => d.ok && d.reason === 'flush')).toBe(true);

    // Sent one at a time in that order; every copy carries a valid signature.
    const got = await acct.received();
    const events = await Promise.all(got.map((c) => verify(c, acct.webhookSecret)));
    expect(events.map((e) => e.id)).toEqual(report.order.map((o) => o.event));
    for (const id of created) expect(events.filter((e) => e.id === id)).toHaveLength(2);

    // Back to immediate: new events flow again.
    await acct.control('/_control/delivery', { mode: 'immediate' });
    await acct.stripe.customers.create({});
    await acct.waitForDeliveries((received) => received.length === 23);
  });

  it('flushes in parallel with a seeded number of duplicates per event', async () => {
    const acct = await newAccount();
    await acct.control('/_control/delivery', { mode: 'hold' });
    await subscribe(acct);
    const report = await acct.control<FlushReport>('/_control/flush', {
      shuffleSeed: 7,
      duplicateMax: 2,
      parallel: true,
    });
    const again = new Map<string, number>();
    for (const { event } of report.order) again.set(event, (again.get(event) ?? 0) + 1);
    expect(again.size).toBe(10);
    expect([...again.values()].every((n) => n >= 1 && n <= 3)).toBe(true);
    expect([...again.values()].some((n) => n > 1)).toBe(true);
    const got = await acct.received();
    expect(got).toHaveLength(report.order.length);
    expect(got.map(typeOf).sort()).toEqual(report.order.map((o) => o.type).sort());
  });

  it('switching back to immediate sends held events in creation order', async () => {
    const acct = await newAccount();
    await acct.control('/_control/delivery', { mode: 'hold' });
    await acct.stripe.customers.create({ email: 'one@example.com' });
    await acct.stripe.customers.create({ email: 'two@example.com' });
    const switched = await acct.control<{ flushed: FlushReport }>('/_control/delivery', {
      mode: 'immediate',
    });
    expect(switched.flushed.order.map((o) => o.type)).toEqual([
      'customer.created',
      'customer.created',
    ]);
    const events = await acct.verifiedEvents();
    expect(events.map((e) => (e as Stripe.CustomerCreatedEvent).data.object.email)).toEqual([
      'one@example.com',
      'two@example.com',
    ]);
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
    const customer = await acct.stripe.customers.create({});
    await acct.stripe.customers.update(customer.id, { name: 'Ada' });
    const events = await acct.control<{ data: Stripe.Event[] }>(
      `/_control/events?object=${customer.id}`,
    );
    expect(events.data.map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
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
