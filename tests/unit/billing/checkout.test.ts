import { describe, expect, it } from 'vitest';
import {
  type CheckoutChoice,
  checkoutIdempotencyKey,
  entitlementKindOf,
  planLabel,
  resolveChoice,
  type SessionContext,
  sessionParams,
} from '../../../src/billing/checkout';
import { DEPLOYMENT_METADATA_KEY } from '../../../src/billing/deployment';
import { DEFAULT_OFFERS, type Offers, offersSchema } from '../../../src/billing/offers';
import { PAYING_BROWSER_METADATA_KEY } from '../../../src/billing/paying-browser';

// What a reader chose, resolved against the server's offers only, and the Stripe Checkout
// Session parameters built from it. No Stripe here: the route's tests drive stripe-local.

const offers = offersSchema.parse(DEFAULT_OFFERS);
const contributions = offers.contributions as NonNullable<Offers['contributions']>;
const contribution = (amount: number, recurring = false, currency = 'eur') =>
  resolveChoice({ contribution: { amount, currency, recurring } }, offers);

describe('resolveChoice', () => {
  it('a configured plan resolves to that plan, with its server-side price', () => {
    const resolved = resolveChoice({ plan: 'yearly' }, offers);
    expect(resolved).toEqual({ ok: true, choice: { kind: 'plan', plan: offers.plans[1] } });
  });

  it('an unknown plan is refused, by name', () => {
    expect(resolveChoice({ plan: 'lifetime' }, offers)).toEqual({
      ok: false,
      message: 'Unknown plan "lifetime".',
    });
  });

  it('a typed 7.50 one-time contribution in the offered currency resolves as given', () => {
    expect(contribution(750)).toEqual({
      ok: true,
      choice: { kind: 'contribution', amount: 750, currency: 'eur', recurring: false },
    });
    expect(contribution(750, true).ok).toBe(true);
  });

  it('amounts are bounded by the offers, inclusive', () => {
    expect(contribution(contributions.min).ok).toBe(true);
    expect(contribution(contributions.max).ok).toBe(true);
    for (const amount of [contributions.min - 1, contributions.max + 1, 0, -500, 750.5]) {
      expect(contribution(amount)).toEqual({
        ok: false,
        message: `Amount must be a whole number of minor units from ${contributions.min} to ${contributions.max}.`,
      });
    }
    expect(contribution(Number.MAX_SAFE_INTEGER + 2).ok).toBe(false);
    expect(contribution(Number.NaN).ok).toBe(false);
  });

  it('another currency is refused, whatever the amount', () => {
    expect(contribution(750, false, 'usd')).toEqual({
      ok: false,
      message: 'Currency must be "eur".',
    });
  });

  it('a mode the offers switch off is refused', () => {
    const monthlyOnly = { ...offers, contributions: { ...contributions, oneTime: false } };
    const onceOnly = { ...offers, contributions: { ...contributions, monthly: false } };
    const once = { contribution: { amount: 750, currency: 'eur', recurring: false } };
    const monthly = { contribution: { amount: 750, currency: 'eur', recurring: true } };
    expect(resolveChoice(once, monthlyOnly)).toEqual({
      ok: false,
      message: 'One-time contributions are not offered.',
    });
    expect(resolveChoice(monthly, monthlyOnly).ok).toBe(true);
    expect(resolveChoice(monthly, onceOnly)).toEqual({
      ok: false,
      message: 'Monthly contributions are not offered.',
    });
    expect(resolveChoice(once, { ...offers, contributions: null })).toEqual({
      ok: false,
      message: 'Contributions are not offered.',
    });
  });
});

describe('entitlementKindOf and planLabel', () => {
  const plan: CheckoutChoice = { kind: 'plan', plan: offers.plans[0] as Offers['plans'][number] };
  const once: CheckoutChoice = {
    kind: 'contribution',
    amount: 500,
    currency: 'eur',
    recurring: false,
  };
  const monthly: CheckoutChoice = { ...once, recurring: true };

  it.each([
    ['a plan', plan, 'subscription', 'monthly'],
    ['a one-time contribution', once, 'supporter_pass', 'contribution-once'],
    ['a monthly contribution', monthly, 'recurring_contribution', 'contribution-monthly'],
  ])('%s', (_, choice, kind, label) => {
    expect(entitlementKindOf(choice)).toBe(kind);
    expect(planLabel(choice)).toBe(label);
  });
});

describe('sessionParams', () => {
  const ctx: SessionContext = {
    readerId: 'reader-1',
    browserReaderId: 'browser-1',
    userKey: undefined,
    returnTo: '/2026/11/story?x=1',
    origin: 'https://news.example',
    now: new Date('2026-11-27T12:03:00Z'),
    expiresInSeconds: 1800,
    deploymentId: 'dep-1',
  };
  const choose = (input: Parameters<typeof resolveChoice>[0]) => {
    const resolved = resolveChoice(input, offers);
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.choice;
  };

  it('a plan subscribes to the configured price; the metadata ties it to this deployment', () => {
    const params = sessionParams(choose({ plan: 'monthly' }), ctx);
    expect(params).toMatchObject({
      mode: 'subscription',
      client_reference_id: 'reader-1',
      line_items: [{ price: 'price_local_monthly', quantity: 1 }],
      success_url:
        'https://news.example/_paywall/checkout/complete?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://news.example/2026/11/story?x=1',
    });
    const metadata = {
      paywall: '1',
      [DEPLOYMENT_METADATA_KEY]: 'dep-1',
      kind: 'subscription',
      plan: 'monthly',
      readerId: 'reader-1',
      returnTo: '/2026/11/story?x=1',
    };
    expect(params.subscription_data?.metadata).toEqual(metadata);
    // Only the session is bound to the paying browser, not what it creates.
    expect(params.metadata).toEqual({ ...metadata, [PAYING_BROWSER_METADATA_KEY]: 'browser-1' });
  });

  it('expires at the end of the 10-minute idempotency slot plus the configured lifetime', () => {
    const slotEnd = Date.parse('2026-11-27T12:10:00Z') / 1000;
    expect(sessionParams(choose({ plan: 'monthly' }), ctx).expires_at).toBe(slotEnd + 1800);
    const later = { ...ctx, now: new Date('2026-11-27T12:09:59.999Z') };
    expect(sessionParams(choose({ plan: 'monthly' }), later).expires_at).toBe(slotEnd + 1800);
  });

  it('a one-time contribution is a donation payment of exactly the amount chosen', () => {
    const params = sessionParams(
      choose({ contribution: { amount: 750, currency: 'eur', recurring: false } }),
      { ...ctx, userKey: 'uk', accountKey: 'ak' },
    );
    expect(params).toMatchObject({
      mode: 'payment',
      submit_type: 'donate',
      line_items: [
        {
          price_data: { currency: 'eur', unit_amount: 750, product_data: { name: 'Contribution' } },
        },
      ],
      payment_intent_data: {
        metadata: { kind: 'supporter_pass', plan: 'contribution-once', userKey: 'uk' },
      },
    });
    expect(params.payment_intent_data?.metadata?.accountKey).toBe('ak');
    expect(params.subscription_data).toBeUndefined();
  });

  it('a monthly contribution is a subscription to a monthly price of that amount', () => {
    const params = sessionParams(
      choose({ contribution: { amount: 1200, currency: 'eur', recurring: true } }),
      ctx,
    );
    expect(params).toMatchObject({
      mode: 'subscription',
      line_items: [
        {
          price_data: { unit_amount: 1200, recurring: { interval: 'month' } },
          quantity: 1,
        },
      ],
      subscription_data: { metadata: { kind: 'recurring_contribution' } },
    });
    expect(params.subscription_data?.metadata).not.toHaveProperty('userKey');
  });
});

describe('checkoutIdempotencyKey', () => {
  const ctx: SessionContext = {
    readerId: 'reader-1',
    browserReaderId: 'browser-1',
    userKey: undefined,
    returnTo: '/a',
    origin: 'https://news.example',
    now: new Date('2026-11-27T12:03:00Z'),
    expiresInSeconds: 1800,
    deploymentId: 'dep-1',
  };
  const plan: CheckoutChoice = { kind: 'plan', plan: offers.plans[0] as Offers['plans'][number] };

  it('is the same for the same request within a slot, and differs otherwise', async () => {
    const key = await checkoutIdempotencyKey(plan, ctx);
    expect(key).toMatch(/^paywall-checkout-[0-9a-f]{64}$/);
    const sameSlot = { ...ctx, now: new Date('2026-11-27T12:09:59Z') };
    expect(await checkoutIdempotencyKey(plan, sameSlot)).toBe(key);
    const others = await Promise.all([
      checkoutIdempotencyKey(plan, { ...ctx, now: new Date('2026-11-27T12:10:00Z') }),
      checkoutIdempotencyKey(plan, { ...ctx, browserReaderId: 'browser-2' }),
      checkoutIdempotencyKey(plan, { ...ctx, accountKey: 'ak' }),
      checkoutIdempotencyKey(plan, { ...ctx, returnTo: '/b' }),
      checkoutIdempotencyKey(
        { kind: 'contribution', amount: 500, currency: 'eur', recurring: false },
        ctx,
      ),
    ]);
    expect(new Set([key, ...others]).size).toBe(6);
  });
});
