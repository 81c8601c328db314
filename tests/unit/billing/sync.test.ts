import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { ContributionAccess } from '../../../src/billing/offers';
import {
  idOf,
  isOurs,
  monthlyAmount,
  ownership,
  recordFromPayment,
  recordFromSubscription,
  type SyncContext,
} from '../../../src/billing/sync';
import { type SubscriberRecord, subscriberRecordSchema } from '../../../src/entitlements/record';

// Stripe objects → subscriber records, field by field. The objects are shaped as Stripe
// returns them (only the fields sync reads). Whether a contribution's amount grants access
// is tests/unit/billing/sync-contributions.test.ts.

const NOW = new Date('2026-11-27T12:00:00.000Z');
const nowS = NOW.getTime() / 1000;
const SUBSCRIBER = 'sbr_BBBBBBBBBBBBBBBBBBBBBB';
const ACCOUNT_KEY = 'Zm9vYmFyYmF6cXV4cXV1eA';
const access: ContributionAccess = { currency: 'eur', monthly: 500, once: 500, passDays: 30 };
const ctx = (over: Partial<SyncContext> = {}): SyncContext => ({
  subscriberId: SUBSCRIBER,
  previous: null,
  now: NOW,
  access,
  ...over,
});

const subscription = (over: Record<string, unknown> = {}, ends = [nowS + 86_400]) =>
  ({
    id: 'sub_1',
    status: 'active',
    customer: 'cus_1',
    metadata: { paywall: '1', kind: 'subscription', plan: 'monthly' },
    items: {
      data: ends.map((end) => ({
        current_period_end: end,
        quantity: 1,
        price: {
          unit_amount: 500,
          currency: 'eur',
          recurring: { interval: 'month', interval_count: 1 },
        },
      })),
    },
    ...over,
  }) as unknown as Stripe.Subscription;

const payment = (over: Record<string, unknown> = {}) =>
  ({
    id: 'pi_1',
    status: 'succeeded',
    created: 1_800_000_000,
    customer: 'cus_2',
    amount: 1000,
    amount_received: 1000,
    currency: 'eur',
    latest_charge: null,
    metadata: { paywall: '1', plan: 'contribution-once' },
    ...over,
  }) as unknown as Stripe.PaymentIntent;

const previous = (over: Partial<SubscriberRecord> = {}): SubscriberRecord => ({
  v: 1,
  subscriberId: SUBSCRIBER,
  kind: 'subscription',
  plan: 'monthly',
  status: 'past_due',
  currentPeriodEnd: nowS,
  pastDueSince: nowS - 2 * 86_400,
  stripe: {},
  updatedAt: NOW.getTime() - 60_000,
  ...over,
});

describe('ownership: whose Stripe object this is', () => {
  it.each<[string, Stripe.Metadata | null | undefined, string]>([
    ['made by this deployment', { paywall: '1', paywall_deployment: 'dep-a' }, 'ours'],
    ['made by another deployment', { paywall: '1', paywall_deployment: 'dep-b' }, 'foreign'],
    ['made before deployment tags', { paywall: '1' }, 'legacy'],
    ['an empty deployment tag', { paywall: '1', paywall_deployment: '' }, 'foreign'],
    ['not made by a paywall', { paywall_deployment: 'dep-a' }, 'foreign'],
    ['a paywall flag that is not "1"', { paywall: 'true', paywall_deployment: 'dep-a' }, 'foreign'],
    ['no metadata', {}, 'foreign'],
    ['null metadata', null, 'foreign'],
    ['undefined metadata', undefined, 'foreign'],
  ])('%s: %s', (_, metadata, expected) => {
    expect(ownership(metadata, 'dep-a')).toBe(expected);
    expect(isOurs(metadata, 'dep-a')).toBe(expected === 'ours');
  });
});

describe('recordFromSubscription', () => {
  it('builds a valid record from what Stripe holds, versioned by the time of the fetch', () => {
    const record = recordFromSubscription(subscription(), ctx());
    expect(record).toEqual({
      v: 1,
      subscriberId: SUBSCRIBER,
      kind: 'subscription',
      plan: 'monthly',
      status: 'active',
      currentPeriodEnd: nowS + 86_400,
      pastDueSince: null,
      grantsAccess: true,
      stripe: { customerId: 'cus_1', subscriptionId: 'sub_1' },
      updatedAt: NOW.getTime(),
    });
    expect(subscriberRecordSchema.parse(record)).toEqual(record);
  });

  it('the period ends with the latest item; no items, no period end', () => {
    const ends = [nowS + 10, nowS + 30, nowS + 20];
    expect(recordFromSubscription(subscription({}, ends), ctx()).currentPeriodEnd).toBe(nowS + 30);
    expect(recordFromSubscription(subscription({}, []), ctx()).currentPeriodEnd).toBeNull();
  });

  it.each([
    'active',
    'trialing',
    'past_due',
    'canceled',
    'unpaid',
    'incomplete',
    'incomplete_expired',
    'paused',
  ])('keeps Stripe’s status %s', (status) => {
    expect(recordFromSubscription(subscription({ status }), ctx()).status).toBe(status);
  });

  it('a status Stripe adds later is incomplete: no access', () => {
    for (const status of ['on_hold', 'Active', '']) {
      expect(recordFromSubscription(subscription({ status }), ctx()).status).toBe('incomplete');
    }
  });

  it('past_due counts its grace from the first failure seen, not from each retry', () => {
    const pastDue = subscription({ status: 'past_due' });
    expect(recordFromSubscription(pastDue, ctx()).pastDueSince).toBe(nowS);
    const before = previous({ pastDueSince: nowS - 2 * 86_400 });
    expect(recordFromSubscription(pastDue, ctx({ previous: before })).pastDueSince).toBe(
      nowS - 2 * 86_400,
    );
    // Paid again: the clock is cleared, and a later failure starts it afresh.
    const paid = recordFromSubscription(subscription(), ctx({ previous: before }));
    expect(paid.pastDueSince).toBeNull();
    expect(recordFromSubscription(pastDue, ctx({ previous: paid })).pastDueSince).toBe(nowS);
  });

  it('kind and plan come from our metadata, with safe fallbacks', () => {
    const kindOf = (kind: string | undefined) =>
      recordFromSubscription(subscription({ metadata: { paywall: '1', kind } }), ctx()).kind;
    expect(kindOf('recurring_contribution')).toBe('recurring_contribution');
    expect(kindOf('supporter_pass')).toBe('supporter_pass');
    expect(kindOf('lifetime')).toBe('subscription');
    expect(kindOf(undefined)).toBe('subscription');
    const noPlan = subscription({ metadata: { paywall: '1', plan: '' } });
    expect(recordFromSubscription(noPlan, ctx()).plan).toBe('subscription');
  });

  it('reads the customer as an id or as an expanded object', () => {
    const expanded = subscription({ customer: { id: 'cus_9', object: 'customer' } });
    expect(recordFromSubscription(expanded, ctx()).stripe.customerId).toBe('cus_9');
  });

  it('links the site user and our account from metadata, and keeps links once set', () => {
    const linked = subscription({
      metadata: { paywall: '1', kind: 'subscription', userKey: 'uk-1', accountKey: ACCOUNT_KEY },
    });
    expect(recordFromSubscription(linked, ctx())).toMatchObject({
      userKey: 'uk-1',
      accountKey: ACCOUNT_KEY,
    });
    const kept = recordFromSubscription(
      subscription(),
      ctx({ previous: previous({ userKey: 'uk-0', accountKey: ACCOUNT_KEY }) }),
    );
    expect(kept).toMatchObject({ userKey: 'uk-0', accountKey: ACCOUNT_KEY });
    // Metadata wins over what the previous record held.
    const moved = recordFromSubscription(linked, ctx({ previous: previous({ userKey: 'uk-0' }) }));
    expect(moved.userKey).toBe('uk-1');
  });

  it('a site user erased from the record is not linked again from metadata', () => {
    const linked = subscription({
      metadata: { paywall: '1', kind: 'subscription', userKey: 'uk-1', accountKey: ACCOUNT_KEY },
    });
    const record = recordFromSubscription(
      linked,
      ctx({ previous: previous({ userErased: true, accountKey: ACCOUNT_KEY }) }),
    );
    expect(record).not.toHaveProperty('userKey');
    expect(record.userErased).toBe(true);
    expect(record.accountKey).toBe(ACCOUNT_KEY);
  });

  it('ignores an account key in metadata that is not an address key', () => {
    for (const accountKey of ['reader@example.com', 'short', `${ACCOUNT_KEY}x`, '../../x']) {
      const record = recordFromSubscription(
        subscription({ metadata: { paywall: '1', accountKey } }),
        ctx(),
      );
      expect(record).not.toHaveProperty('accountKey');
    }
  });
});

describe('recordFromPayment', () => {
  it('a succeeded payment is an active supporter pass for passDays from the payment', () => {
    const record = recordFromPayment(payment(), ctx());
    expect(record).toEqual({
      v: 1,
      subscriberId: SUBSCRIBER,
      kind: 'supporter_pass',
      plan: 'contribution-once',
      status: 'active',
      currentPeriodEnd: 1_800_000_000 + 30 * 86_400,
      pastDueSince: null,
      grantsAccess: true,
      disputed: false,
      stripe: { customerId: 'cus_2', paymentIntentId: 'pi_1' },
      updatedAt: NOW.getTime(),
    });
    expect(subscriberRecordSchema.parse(record)).toEqual(record);
  });

  it('is a pass whatever kind the metadata names', () => {
    const claimed = payment({ metadata: { paywall: '1', kind: 'subscription', plan: '' } });
    expect(recordFromPayment(claimed, ctx())).toMatchObject({
      kind: 'supporter_pass',
      plan: 'contribution-once',
    });
  });

  it.each([
    ['processing', 'incomplete'],
    ['requires_payment_method', 'incomplete'],
    ['requires_action', 'incomplete'],
    ['canceled', 'incomplete'],
    ['succeeded', 'active'],
  ])('a payment that is %s is %s', (status, expected) => {
    expect(recordFromPayment(payment({ status }), ctx()).status).toBe(expected);
  });

  it('a refund, whole or partial, makes the pass refunded', () => {
    const charge = (refunded: boolean, amount_refunded: number) =>
      payment({ latest_charge: { id: 'ch_1', refunded, amount_refunded } });
    expect(recordFromPayment(charge(true, 1000), ctx()).status).toBe('refunded');
    expect(recordFromPayment(charge(false, 1), ctx()).status).toBe('refunded');
    expect(recordFromPayment(charge(false, 0), ctx()).status).toBe('active');
    // An unexpanded charge (an id) says nothing about refunds.
    expect(recordFromPayment(payment({ latest_charge: 'ch_1' }), ctx()).status).toBe('active');
  });

  it('without contributions configured, the pass ends at the payment and grants nothing', () => {
    const record = recordFromPayment(payment(), ctx({ access: null }));
    expect(record.currentPeriodEnd).toBe(1_800_000_000);
    expect(record.grantsAccess).toBe(false);
  });

  it('links the site user and account, and reads an expanded customer', () => {
    const record = recordFromPayment(
      payment({
        customer: { id: 'cus_7' },
        metadata: { paywall: '1', userKey: 'uk-2', accountKey: ACCOUNT_KEY },
      }),
      ctx(),
    );
    expect(record).toMatchObject({
      userKey: 'uk-2',
      accountKey: ACCOUNT_KEY,
      stripe: { customerId: 'cus_7' },
    });
    expect(recordFromPayment(payment({ customer: null }), ctx()).stripe).toEqual({
      customerId: undefined,
      paymentIntentId: 'pi_1',
    });
  });
});

describe('monthlyAmount: what a subscription charges per month', () => {
  type Item = [number | null, string, Stripe.Price.Recurring.Interval | null, number, number?];
  const sub = (items: Item[]) =>
    ({
      items: {
        data: items.map(([unit_amount, currency, interval, interval_count, quantity]) => ({
          quantity: quantity ?? 1,
          price: {
            unit_amount,
            currency,
            recurring: interval ? { interval, interval_count } : null,
          },
        })),
      },
    }) as unknown as Stripe.Subscription;

  it.each<[string, Item[], number | null]>([
    ['monthly', [[500, 'eur', 'month', 1]], 500],
    ['yearly', [[6000, 'eur', 'year', 1]], 500],
    ['quarterly', [[1500, 'eur', 'month', 3]], 500],
    ['every two years', [[12_000, 'eur', 'year', 2]], 500],
    ['quantity 3', [[200, 'eur', 'month', 1, 3]], 600],
    [
      'two items',
      [
        [200, 'eur', 'month', 1],
        [1200, 'eur', 'year', 1],
      ],
      300,
    ],
    ['a fraction of a cent a month', [[1000, 'eur', 'year', 1]], 1000 / 12],
    ['another currency', [[500, 'usd', 'month', 1]], null],
    ['weekly', [[500, 'eur', 'week', 1]], null],
    ['daily', [[500, 'eur', 'day', 1]], null],
    ['no recurring price', [[500, 'eur', null, 1]], null],
    ['no unit amount', [[null, 'eur', 'month', 1]], null],
    ['no items', [], null],
  ])('%s', (_, items, expected) => {
    expect(monthlyAmount(sub(items), 'eur')).toBe(expected);
  });
});

describe('idOf', () => {
  it('reads an id, an expanded object, or nothing', () => {
    expect(idOf('cus_1')).toBe('cus_1');
    expect(idOf({ id: 'cus_2' })).toBe('cus_2');
    expect(idOf(null)).toBeUndefined();
  });
});
