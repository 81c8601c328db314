import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checkoutJson, freshIp, paidSubscription } from '../support/checkout';
import { testStore } from '../support/entitlements';
import { control, deliver, deliverAll, eventsById, stripeClient } from '../support/stripe';
import { callWorker, withBindings } from '../support/worker';

type Acted = { redirectUrl?: string; events: { id: string; type: string }[] };

const recordOf = (subscriptionId: string) => testStore().findByStripeSubscription(subscriptionId);

describe('webhooks: exactly one effect per event', () => {
  it('the same event twice has one effect', async () => {
    const { subscriptionId, events } = await paidSubscription();
    const created = events.find((e) => e.type === 'customer.subscription.created');
    if (!created) throw new Error('no created event');
    const [event] = await eventsById([created.id]);
    if (!event) throw new Error('missing');
    expect(await deliver(callWorker, event)).toEqual({ status: 200, outcome: 'synced' });
    expect(await deliver(callWorker, event)).toEqual({ status: 200, outcome: 'duplicate' });
    expect((await recordOf(subscriptionId))?.status).toBe('active');
  });

  it('the same event 10 times concurrently is processed exactly once', async () => {
    const { subscriptionId, events } = await paidSubscription();
    const created = events.find((e) => e.type === 'customer.subscription.created');
    const [event] = await eventsById([created?.id as string]);
    if (!event) throw new Error('missing');
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(callWorker, event)));
    // One delivery did the work; the others saw it done (200) or in progress (503: Stripe retries).
    expect(results.filter((r) => r.outcome === 'synced')).toHaveLength(1);
    for (const r of results.filter((x) => x.outcome !== 'synced')) {
      expect([
        [200, 'duplicate'],
        [503, 'service_unavailable'],
      ]).toContainEqual([r.status, r.outcome]);
    }
    // A retry after the dust settles is a duplicate, and the record is right.
    expect(await deliver(callWorker, event)).toEqual({ status: 200, outcome: 'duplicate' });
    expect((await recordOf(subscriptionId))?.status).toBe('active');
  });
});

describe("webhooks: out of order, the end state is Stripe's current state", () => {
  it('updated before created, deleted before updated', async () => {
    const { subscriptionId, events: paidEvents } = await paidSubscription();
    const renewed = await control<Acted>(`/_control/subscriptions/${subscriptionId}/renew`);
    const cancelled = await control<Acted>(`/_control/subscriptions/${subscriptionId}/cancel`);
    const all = [...paidEvents, ...renewed.events, ...cancelled.events];
    const pick = (type: string) => all.filter((e) => e.type === type).map((e) => e.id);
    // Deleted first, then updated, then created: the reverse of what happened.
    const order = [
      ...pick('customer.subscription.deleted'),
      ...pick('customer.subscription.updated'),
      ...pick('customer.subscription.created'),
    ];
    const results = await deliverAll(callWorker, order);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const stripeNow = await stripeClient().subscriptions.retrieve(subscriptionId);
    expect(stripeNow.status).toBe('canceled');
    expect((await recordOf(subscriptionId))?.status).toBe('canceled');
  });
});

describe('webhooks: our failures are 5xx, and redelivery applies everything', () => {
  it('a Redis failure mid-processing gets 503; the redelivery succeeds with nothing half-applied', async () => {
    const tenant = `wh-${crypto.randomUUID().slice(0, 8)}`;
    const flaky = withBindings({ UPSTASH_REDIS_REST_URL: `${env.TEST_FLAKY_URL}/t/${tenant}` });
    const { subscriptionId, events } = await paidSubscription();
    const created = events.find((e) => e.type === 'customer.subscription.created');
    const [event] = await eventsById([created?.id as string]);
    if (!event) throw new Error('missing');

    // The claim goes through; the next Redis call (reading the record) fails.
    await fetch(`${env.TEST_FLAKY_URL}/__flaky/${tenant}`, {
      method: 'POST',
      body: JSON.stringify({ skip: 1, fail: 1 }),
    });
    expect(await deliver(flaky, event)).toEqual({ status: 503, outcome: 'service_unavailable' });
    expect(await recordOf(subscriptionId)).toBeNull(); // nothing half-applied

    // Stripe redelivers: the claim was released, so the event is processed now.
    expect(await deliver(flaky, event)).toEqual({ status: 200, outcome: 'synced' });
    expect((await recordOf(subscriptionId))?.status).toBe('active');
  });

  it('Stripe unreachable while re-fetching gets 503 and releases the claim', async () => {
    const { subscriptionId, events } = await paidSubscription();
    const created = events.find((e) => e.type === 'customer.subscription.created');
    const [event] = await eventsById([created?.id as string]);
    if (!event) throw new Error('missing');
    const noStripe = withBindings({ STRIPE_API_BASE: env.TEST_CLOSED_URL });
    expect((await deliver(noStripe, event)).status).toBe(503);
    expect(await deliver(callWorker, event)).toEqual({ status: 200, outcome: 'synced' });
    expect((await recordOf(subscriptionId))?.status).toBe('active');
  });
});

describe('webhooks: refunds and failed payments', () => {
  it('invoice.payment_failed starts the grace period; charge.refunded ends a pass', async () => {
    const { subscriptionId } = await paidSubscription();
    const failed = await control<Acted>(`/_control/subscriptions/${subscriptionId}/fail_payment`);
    await deliverAll(
      callWorker,
      failed.events.map((e) => e.id),
    );
    const record = await recordOf(subscriptionId);
    expect(record?.status).toBe('past_due');
    expect(record?.pastDueSince).toBeGreaterThan(Math.floor(Date.now() / 1000) - 60);

    const response = await callWorker(
      checkoutJson(
        { contribution: { amount: 500, currency: 'eur', recurring: false } },
        { ip: freshIp() },
      ),
    );
    const sessionId = new URL(((await response.json()) as { url: string }).url).pathname
      .split('/')
      .pop() as string;
    const paid = await control<Acted>(`/_control/checkout/sessions/${sessionId}/pay`, {
      outcome: 'success',
    });
    await deliverAll(
      callWorker,
      paid.events.map((e) => e.id),
    );
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    const pi = session.payment_intent as string;
    const refunded = await control<Acted>(`/_control/payment_intents/${pi}/refund`);
    expect(refunded.events.map((e) => e.type)).toContain('charge.refunded');
    const outcomes = await deliverAll(
      callWorker,
      refunded.events.map((e) => e.id),
    );
    expect(outcomes.some((o) => o.outcome === 'synced')).toBe(true);
  });
});
