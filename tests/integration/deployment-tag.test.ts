import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { defaultDeploymentId } from '../../src/billing/deployment';
import { createReaderIdSigner } from '../../src/reader/reader-id';
import { testStore } from '../support/entitlements';
import {
  type IsolatedWorker,
  isolatedWorker,
  purchaseThroughPrompt,
} from '../support/isolated-stripe';
import { deliver } from '../support/stripe';
import { BASE, withBindings } from '../support/worker';

// Two deployments sharing one Stripe account must not redeem or sync each other's sessions,
// subscriptions and payments (issue #10, "also fix"). Foreign objects are made directly at
// the emulator, as the other deployment's checkout would make them, then paid; this
// deployment's return page refuses them and its webhooks ignore them, writing no record.

const OURS = defaultDeploymentId(env.ENTITLEMENT_ISSUER, env.ENTITLEMENT_AUDIENCE);
type Paid = { redirectUrl: string; events: { id: string; type: string }[] };

/** The tag spellings a foreign (or forged) object might carry instead of ours. */
const FOREIGN_TAGS: [string, Record<string, string>][] = [
  ['another deployment', { paywall: '1', paywall_deployment: 'site-b' }],
  ['ours in another case', { paywall: '1', paywall_deployment: OURS.toUpperCase() }],
  ['ours with a space', { paywall: '1', paywall_deployment: ` ${OURS}` }],
  ['ours with a suffix', { paywall: '1', paywall_deployment: `${OURS}x` }],
  ['a prefix of ours', { paywall: '1', paywall_deployment: OURS.slice(0, -1) }],
  ['ours without the paywall flag', { paywall_deployment: OURS }],
  ['ours with paywall=true', { paywall: 'true', paywall_deployment: OURS }],
  ['no tag at all (made before tags, or by hand)', { paywall: '1' }],
];

async function foreignPurchase(
  iso: IsolatedWorker,
  tags: Record<string, string>,
  mode: 'plan' | 'once' | 'monthly',
) {
  const metadata = {
    ...tags,
    kind:
      mode === 'plan'
        ? 'subscription'
        : mode === 'once'
          ? 'supporter_pass'
          : 'recurring_contribution',
    plan: mode === 'plan' ? 'monthly' : `contribution-${mode}`,
    returnTo: '/2026/11/story',
  };
  const success = `${BASE}/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}`;
  const priceData = { currency: 'eur', unit_amount: 900, product_data: { name: 'Gift' } };
  const params: Stripe.Checkout.SessionCreateParams =
    mode === 'plan'
      ? {
          mode: 'subscription',
          line_items: [{ price: 'price_local_monthly', quantity: 1 }],
          subscription_data: { metadata },
        }
      : mode === 'monthly'
        ? {
            mode: 'subscription',
            line_items: [
              { price_data: { ...priceData, recurring: { interval: 'month' } }, quantity: 1 },
            ],
            subscription_data: { metadata },
          }
        : {
            mode: 'payment',
            customer_creation: 'always',
            line_items: [{ price_data: priceData, quantity: 1 }],
            payment_intent_data: { metadata },
          };
  const session = await iso.stripe.checkout.sessions.create({
    ...params,
    metadata,
    success_url: success,
  });
  const paid = await iso.control<Paid>(`/_control/checkout/sessions/${session.id}/pay`, {
    outcome: 'success',
  });
  return { session: await iso.stripe.checkout.sessions.retrieve(session.id), paid };
}

async function outcomesOf(iso: IsolatedWorker, ids: string[]) {
  const all = await iso.events();
  return Promise.all(
    ids.map(async (id) => {
      const event = all.find((e) => e.id === id);
      if (!event) throw new Error(`no event ${id}`);
      return (await deliver(iso.fetcher, event)).outcome;
    }),
  );
}

describe('only objects tagged with this deployment are redeemed or synced', () => {
  describe.each(['plan', 'once', 'monthly'] as const)('a %s purchase', (mode) => {
    it.each(FOREIGN_TAGS)(
      'tagged as %s: no redemption, webhooks ignored, no record',
      async (_, tags) => {
        const iso = await isolatedWorker();
        const { session, paid } = await foreignPurchase(iso, tags, mode);
        const back = await iso.fetcher(new Request(paid.redirectUrl, { redirect: 'manual' }));
        expect(back.status).toBe(400);
        expect(back.headers.get('set-cookie') ?? '').not.toContain('__Host-paywall_ent');

        const outcomes = await outcomesOf(
          iso,
          paid.events.map((e) => e.id),
        );
        expect(outcomes.length).toBeGreaterThan(0);
        expect(outcomes.every((o) => o === 'ignored')).toBe(true);
        const store = testStore(iso.prefix);
        expect(await store.findByCustomer(session.customer as string)).toBeNull();
        if (session.subscription)
          expect(await store.findByStripeSubscription(session.subscription as string)).toBeNull();
      },
    );
  });

  it('our own checkout tags the session, the subscription and the payment with our id', async () => {
    const iso = await isolatedWorker();
    const plan = await purchaseThroughPrompt(iso, { plan: 'monthly' });
    const sub = await iso.stripe.subscriptions.retrieve(plan.session.subscription as string);
    const once = await purchaseThroughPrompt(
      iso,
      { amount: '500', recurring: 'once' },
      '192.0.2.9',
    );
    const pi = await iso.stripe.paymentIntents.retrieve(once.session.payment_intent as string);
    for (const metadata of [
      plan.session.metadata,
      sub.metadata,
      once.session.metadata,
      pi.metadata,
    ])
      expect(metadata).toMatchObject({ paywall: '1', paywall_deployment: OURS });
    expect(plan.token).toBeTruthy();
    expect(once.token).toBeTruthy();
  });

  it('two deployments on one Stripe account: B pays, A refuses the session and ignores its events', async () => {
    const a = await isolatedWorker();
    // B: same Stripe account, its own id and Redis prefix.
    const b = {
      ...a,
      prefix: `${a.prefix}b:`,
      fetcher: withBindings({
        STRIPE_SECRET_KEY: a.secretKey,
        REDIS_KEY_PREFIX: `${a.prefix}b:`,
        DEPLOYMENT_ID: 'site-b',
      }),
    };
    const atB = await purchaseThroughPrompt(b, { plan: 'monthly' });
    expect(atB.token).toBeTruthy(); // B redeems its own
    expect(atB.session.metadata?.paywall_deployment).toBe('site-b');
    const atA = await a.fetcher(new Request(atB.paid.redirectUrl, { redirect: 'manual' }));
    expect(atA.status).toBe(400);
    const outcomes = await outcomesOf(
      a,
      atB.paid.events.map((e) => e.id),
    );
    expect(outcomes.every((o) => o === 'ignored')).toBe(true);
    expect(
      await testStore(a.prefix).findByStripeSubscription(atB.session.subscription as string),
    ).toBeNull();
  });

  it('an untagged subscription already on record (from before tags) still syncs: cancelling revokes', async () => {
    const iso = await isolatedWorker();
    const { session } = await foreignPurchase(iso, { paywall: '1' }, 'plan');
    const subscriptionId = session.subscription as string;
    const store = testStore(iso.prefix);
    const signer = createReaderIdSigner(env.READER_ID_SECRET);
    const subscriberId = `sbr_${await signer.derive('stripe1', subscriptionId)}`;
    await store.upsert({
      v: 1,
      subscriberId,
      kind: 'subscription',
      plan: 'monthly',
      status: 'active',
      currentPeriodEnd: Math.floor(Date.now() / 1000) + 20 * 86_400,
      pastDueSince: null,
      stripe: { subscriptionId },
      updatedAt: 1,
    });
    const cancelled = await iso.control<Paid>(`/_control/subscriptions/${subscriptionId}/cancel`);
    const outcomes = await outcomesOf(
      iso,
      cancelled.events.map((e) => e.id),
    );
    expect(outcomes).toContain('synced');
    expect((await store.get(subscriberId))?.status).toBe('canceled');
  });

  it('DEPLOYMENT_ID is validated', async () => {
    for (const id of ['', 'has space', 'a/b', 'x'.repeat(65), 'é']) {
      const response = await withBindings({ DEPLOYMENT_ID: id })(
        new Request(`${BASE}/_paywall/v1/health`),
      );
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.message).toContain('DEPLOYMENT_ID');
    }
  });
});
