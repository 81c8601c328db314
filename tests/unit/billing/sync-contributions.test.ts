import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { ContributionAccess } from '../../../src/billing/offers';
import { disputeHolds, recordFromPayment, recordFromSubscription } from '../../../src/billing/sync';

// Whether a contribution grants access is decided from the amounts Stripe holds (what the
// subscription's prices charge, what the payment received), in the configured currency.
// Every odd shape a subscription or payment could take is thanks-only unless it really pays
// the threshold: fail closed.

const access: ContributionAccess = { currency: 'eur', monthly: 500, once: 500, passDays: 30 };
const ctx = { subscriberId: 'sbr_AAAAAAAAAAAAAAAAAAAAAA', previous: null, now: new Date(), access };

type ItemShape = {
  unit_amount: number | null;
  currency?: string;
  interval?: Stripe.Price.Recurring.Interval;
  interval_count?: number;
  quantity?: number;
};
const subscription = (items: ItemShape[], kind = 'recurring_contribution') =>
  ({
    id: 'sub_1',
    status: 'active',
    customer: 'cus_1',
    metadata: { paywall: '1', kind, plan: 'contribution-monthly' },
    items: {
      data: items.map((i) => ({
        current_period_end: 2_000_000_000,
        quantity: i.quantity ?? 1,
        price: {
          unit_amount: i.unit_amount,
          currency: i.currency ?? 'eur',
          recurring: { interval: i.interval ?? 'month', interval_count: i.interval_count ?? 1 },
        },
      })),
    },
  }) as unknown as Stripe.Subscription;

describe('a monthly contribution grants access only when Stripe charges the threshold', () => {
  it.each([
    ['exactly the threshold', [{ unit_amount: 500 }], true],
    ['one cent below', [{ unit_amount: 499 }], false],
    ['below, made up by quantity', [{ unit_amount: 250, quantity: 2 }], true],
    ['two items adding up', [{ unit_amount: 300 }, { unit_amount: 200 }], true],
    ['another currency at the same number', [{ unit_amount: 500, currency: 'usd' }], false],
    ['another currency at a larger number', [{ unit_amount: 100_000, currency: 'jpy' }], false],
    [
      'one item in another currency',
      [{ unit_amount: 500 }, { unit_amount: 1, currency: 'usd' }],
      false,
    ],
    ['yearly, 6000 a year (500 a month)', [{ unit_amount: 6000, interval: 'year' as const }], true],
    ['yearly, 5999 a year', [{ unit_amount: 5999, interval: 'year' as const }], false],
    ['every 2 months at 999', [{ unit_amount: 999, interval_count: 2 }], false],
    ['every 2 months at 1000', [{ unit_amount: 1000, interval_count: 2 }], true],
    [
      'weekly (not a month-based interval)',
      [{ unit_amount: 10_000, interval: 'week' as const }],
      false,
    ],
    ['tiered (no unit amount)', [{ unit_amount: null }], false],
    ['no items', [], false],
    ['a zero quantity', [{ unit_amount: 500, quantity: 0 }], false],
  ])('%s', (_, items, grants) => {
    expect(recordFromSubscription(subscription(items), ctx).grantsAccess).toBe(grants);
  });

  it('a plan subscription charges its configured price: not thresholded', () => {
    expect(
      recordFromSubscription(subscription([{ unit_amount: 1 }], 'subscription'), ctx).grantsAccess,
    ).toBe(true);
  });

  it('a supporter_pass kind on a subscription is thresholded too', () => {
    expect(
      recordFromSubscription(subscription([{ unit_amount: 1 }], 'supporter_pass'), ctx)
        .grantsAccess,
    ).toBe(false);
  });

  it('contributions not offered any more: nothing new is granted', () => {
    expect(
      recordFromSubscription(subscription([{ unit_amount: 5000 }]), { ...ctx, access: null })
        .grantsAccess,
    ).toBe(false);
  });
});

const payment = (
  amount_received: number,
  currency = 'eur',
  metadata: Record<string, string> = {},
) =>
  ({
    id: 'pi_1',
    status: 'succeeded',
    created: 1_800_000_000,
    customer: 'cus_1',
    amount: 100_000,
    amount_received,
    currency,
    latest_charge: null,
    metadata: { paywall: '1', plan: 'contribution-once', ...metadata },
  }) as unknown as Stripe.PaymentIntent;

describe('a one-time contribution grants a pass only when the amount received reaches it', () => {
  it.each([
    ['the threshold received', payment(500), true],
    ['one cent below received (whatever was asked)', payment(499), false],
    ['another currency', payment(500, 'usd'), false],
    [
      'metadata claiming more',
      payment(100, 'eur', { amount: '100000', kind: 'subscription' }),
      false,
    ],
    ['nothing received', payment(0), false],
  ])('%s', (_, pi, grants) => {
    expect(recordFromPayment(pi, ctx).grantsAccess).toBe(grants);
  });

  it('a pass of 0 days (once: null) grants nothing', () => {
    expect(
      recordFromPayment(payment(50_000), { ...ctx, access: { ...access, once: null } })
        .grantsAccess,
    ).toBe(false);
  });
});

describe('which dispute statuses hold against a pass', () => {
  it.each([
    ['needs_response', true],
    ['under_review', true],
    ['warning_needs_response', true],
    ['warning_under_review', true],
    ['lost', true],
    ['appeal_needs_response', true],
    ['appeal_under_review', true],
    ['a status Stripe adds later', true],
    ['won', false],
    ['prevented', false],
    ['warning_closed', false],
  ])('%s → %s', (status, holds) => {
    expect(disputeHolds({ status })).toBe(holds);
    expect(recordFromPayment(payment(500), ctx, [{ status }]).disputed).toBe(holds);
  });
});
