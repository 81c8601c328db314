import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { accessFromRecord } from '../../src/entitlements/status';
import {
  decideWithToken,
  genuineClaims,
  signingKeys,
  signWith,
  testStore,
} from '../support/entitlements';
import {
  type IsolatedWorker,
  isolatedWorker,
  purchaseThroughPrompt,
} from '../support/isolated-stripe';
import { deliver } from '../support/stripe';
import type { AccessBody } from '../support/worker';

// What a dispute does (issue #10, "also fix"): a supporter pass whose payment is disputed
// loses access while the dispute is open or an inquiry, and for good when it is lost; it
// comes back when the dispute is won. A subscription's invoice dispute is left to the
// subscription's own status in Stripe. Events are re-fetched, so their order does not matter.

type Acted = { events: { id: string; type: string }[]; dispute: Stripe.Dispute };
type Step = (iso: IsolatedWorker, dispute: string) => Promise<Acted>;
const review: Step = (iso, id) => iso.control<Acted>(`/_control/disputes/${id}/review`);
const decide =
  (outcome: 'won' | 'lost'): Step =>
  (iso, id) =>
    iso.control<Acted>(`/_control/disputes/${id}/close`, { outcome });
const accept: Step = async (iso, id) => {
  const before = (await iso.events()).length;
  await iso.stripe.disputes.close(id);
  return { events: (await iso.events()).slice(before), dispute: {} as Stripe.Dispute };
};

const nowS = () => Math.floor(Date.now() / 1000);
const policy = { pastDueGraceDays: 3 };

/** What the service says to a reader whose token has expired (the refresh reads the record). */
async function afterRefresh(iso: IsolatedWorker, subscriberId: string) {
  const key = signingKeys()[0];
  if (!key) throw new Error('no key');
  const expired = await signWith(
    key,
    genuineClaims(subscriberId, { iat: nowS() - 3_600, exp: nowS() - 2_700 }),
  );
  return (await (await decideWithToken(iso.fetcher, expired)).json()) as AccessBody;
}

async function deliverInOrder(iso: IsolatedWorker, ids: string[]) {
  const all = await iso.events();
  const outcomes = [];
  for (const id of ids) {
    const event = all.find((e) => e.id === id);
    if (!event) throw new Error(`no event ${id}`);
    outcomes.push(await deliver(iso.fetcher, event));
  }
  return outcomes;
}

describe('a disputed supporter pass', () => {
  it.each([
    ['a chargeback opened', false, [], false, 'in order'],
    ['an inquiry opened', true, [], false, 'in order'],
    ['a chargeback under review (evidence sent)', false, [review], false, 'in order'],
    ['a chargeback won', false, [review, decide('won')], true, 'in order'],
    ['a chargeback won, events delivered backwards', false, [decide('won')], true, 'reversed'],
    ['a chargeback lost', false, [decide('lost')], false, 'in order'],
    ['a chargeback lost, events delivered backwards', false, [decide('lost')], false, 'reversed'],
    ['a chargeback the merchant accepts', false, [accept], false, 'in order'],
    ['an inquiry closed in our favour', true, [decide('won')], true, 'in order'],
  ] as const)('%s', async (_, inquiry, steps, entitledAfter, order) => {
    const iso = await isolatedWorker();
    const bought = await purchaseThroughPrompt(iso, { customAmount: '7.50', recurring: 'once' });
    expect(bought.token).toBeTruthy();
    const first = (await (
      await decideWithToken(iso.fetcher, bought.token as string)
    ).json()) as AccessBody;
    const subscriberId = first.entitlement?.subscriberId as string;
    expect(first.reason).toBe('subscriber');

    const pi = bought.session.payment_intent as string;
    const opened = await iso.control<Acted>(`/_control/payment_intents/${pi}/dispute`, {
      inquiry,
    });
    const ids = opened.events.map((e) => e.id);
    for (const step of steps)
      ids.push(...(await step(iso, opened.dispute.id)).events.map((e) => e.id));
    const outcomes = await deliverInOrder(iso, order === 'reversed' ? ids.reverse() : ids);
    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 200));
    expect(outcomes.every((o) => o.outcome === 'synced')).toBe(true);

    const record = await testStore(iso.prefix).findByCustomer(bought.session.customer as string);
    expect(record && accessFromRecord(record, new Date(), policy).entitled).toBe(entitledAfter);
    const later = await afterRefresh(iso, subscriberId);
    if (entitledAfter) {
      expect(later.reason).toBe('subscriber');
    } else {
      expect(later.reason).not.toBe('subscriber');
      expect(later.reader.clearToken).toBe(true);
    }
  });

  it('a dispute on another payment of the same reader does not touch this pass', async () => {
    const iso = await isolatedWorker();
    const kept = await purchaseThroughPrompt(iso, { customAmount: '6', recurring: 'once' });
    const other = await purchaseThroughPrompt(
      iso,
      { customAmount: '8', recurring: 'once' },
      '192.0.2.201',
    );
    const opened = await iso.control<Acted>(
      `/_control/payment_intents/${other.session.payment_intent}/dispute`,
    );
    await deliverInOrder(
      iso,
      opened.events.map((e) => e.id),
    );
    const store = testStore(iso.prefix);
    const keptRecord = await store.findByCustomer(kept.session.customer as string);
    expect(keptRecord && accessFromRecord(keptRecord, new Date(), policy).entitled).toBe(true);
  });
});

describe('a disputed subscription invoice', () => {
  it('is left to the subscription status in Stripe: ignored, access unchanged until Stripe cancels', async () => {
    const iso = await isolatedWorker();
    const bought = await purchaseThroughPrompt(iso, { plan: 'monthly' });
    expect(bought.token).toBeTruthy();
    const subscription = bought.session.subscription as string;
    const [invoice] = (await iso.stripe.invoices.list({ subscription })).data;
    const [payment] = (await iso.stripe.invoicePayments.list({ invoice: invoice?.id as string }))
      .data;
    const pi = payment?.payment.payment_intent as string;
    const opened = await iso.control<Acted>(`/_control/payment_intents/${pi}/dispute`);
    const outcomes = await deliverInOrder(
      iso,
      opened.events.map((e) => e.id),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['ignored', 'ignored']);
    const store = testStore(iso.prefix);
    const record = await store.findByStripeSubscription(subscription);
    expect(record && accessFromRecord(record, new Date(), policy).entitled).toBe(true);

    // The site cancels the disputed subscription in Stripe: that revokes, as any cancellation.
    const cancelled = await iso.control<Acted>(`/_control/subscriptions/${subscription}/cancel`);
    await deliverInOrder(
      iso,
      cancelled.events.map((e) => e.id),
    );
    const after = await store.findByStripeSubscription(subscription);
    expect(after && accessFromRecord(after, new Date(), policy).entitled).toBe(false);
  });
});
