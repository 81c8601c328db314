import { describe, expect, it } from 'vitest';
import { accessFromRecord } from '../../src/entitlements/status';
import { decideWithToken, testStore } from '../support/entitlements';
import { isolatedWorker, purchaseThroughPrompt } from '../support/isolated-stripe';
import { deliver } from '../support/stripe';
import type { AccessBody } from '../support/worker';

// Issue #10 item 7: one euro must not buy what five euros buy. With the default offers the
// threshold is the monthly plan's price, €5 a month; a one-time pass of 30 days costs the
// same. Each amount goes through the real form post, the emulator's payment and the return
// page, then the webhooks; the entitlement (or its absence) is read back through the
// service and from the record.

const THRESHOLD = 500;
const policy = { pastDueGraceDays: 3 };
type Row = [label: string, customAmount: string, minor: number, grants: boolean];
const BOUNDARIES: Row[] = [
  ['the minimum', '1', 100, false],
  ['one cent below the threshold', '4.99', THRESHOLD - 1, false],
  ['the threshold, written with a comma', '5,00', THRESHOLD, true],
  ['the threshold', '5', THRESHOLD, true],
  ['one cent above the threshold', '5.01', THRESHOLD + 1, true],
  ['the maximum', '1000', 100_000, true],
];

async function buy(recurring: 'once' | 'monthly', customAmount: string) {
  const iso = await isolatedWorker();
  const bought = await purchaseThroughPrompt(iso, {
    customAmount,
    recurring,
    currency: 'eur',
  });
  const outcomes = [];
  for (const { id } of bought.paid.events) {
    const event = (await iso.events()).find((e) => e.id === id);
    if (event) outcomes.push(await deliver(iso.fetcher, event));
  }
  expect(outcomes.every((o) => o.status === 200)).toBe(true);
  const store = testStore(iso.prefix);
  const record =
    recurring === 'monthly'
      ? await store.findByStripeSubscription(bought.session.subscription as string)
      : await store.findByCustomer(bought.session.customer as string);
  return { iso, bought, record };
}

describe.each(['once', 'monthly'] as const)('a %s contribution at the boundaries', (recurring) => {
  it.each(BOUNDARIES)('%s (%s)', async (_, customAmount, minor, grants) => {
    const { iso, bought, record } = await buy(recurring, customAmount);
    expect(bought.session.amount_total).toBe(minor);
    // The record exists either way (webhooks and the portal keep working) ...
    expect(record).not.toBeNull();
    expect(record?.kind).toBe(recurring === 'once' ? 'supporter_pass' : 'recurring_contribution');
    expect(record?.status).toBe('active');
    // ... and only the one mapping decides what it gives.
    expect(record && accessFromRecord(record, new Date(), policy).entitled).toBe(grants);
    expect(bought.back.status).toBe(303);
    if (!grants) {
      expect(bought.token).toBeNull();
      return;
    }
    expect(bought.token).toBeTruthy();
    const decision = (await (
      await decideWithToken(iso.fetcher, bought.token as string)
    ).json()) as AccessBody;
    expect([decision.access, decision.reason]).toEqual(['granted', 'subscriber']);
  });
});

describe('the threshold is configurable, validated, and compared in one currency', () => {
  it('accessFrom raises the bar: €7 a month, so a €5 monthly contribution is thanks-only', async () => {
    const iso = await isolatedWorker({
      offers: {
        plans: [],
        contributions: {
          currency: 'eur',
          presets: [500],
          min: 100,
          max: 10_000,
          oneTime: true,
          monthly: true,
          passDays: 30,
          accessFrom: 700,
        },
      },
    });
    const five = await purchaseThroughPrompt(iso, { amount: '500', recurring: 'monthly' });
    expect(five.token).toBeNull();
    const seven = await purchaseThroughPrompt(
      iso,
      { customAmount: '7', recurring: 'monthly' },
      '192.0.2.201',
    );
    expect(seven.token).toBeTruthy();
  });

  it('a pass of 7 days costs the monthly threshold pro-rated: €5 × 7/30 → €1.17', async () => {
    const iso = await isolatedWorker({
      offers: {
        plans: [
          {
            id: 'monthly',
            name: 'Monthly',
            priceId: 'price_local_monthly',
            amount: 500,
            currency: 'eur',
            interval: 'month',
          },
        ],
        contributions: {
          currency: 'eur',
          presets: [100],
          min: 100,
          max: 10_000,
          oneTime: true,
          monthly: false,
          passDays: 7,
        },
      },
    });
    const below = await purchaseThroughPrompt(iso, { customAmount: '1.16', recurring: 'once' });
    expect(below.token).toBeNull();
    const at = await purchaseThroughPrompt(
      iso,
      { customAmount: '1.17', recurring: 'once' },
      '192.0.2.202',
    );
    expect(at.token).toBeTruthy();
  });

  it.each([
    ['no plan in the currency and no accessFrom', { plans: [] }],
    ['a negative accessFrom', { accessFrom: -1 }],
    ['a fractional accessFrom', { accessFrom: 4.5 }],
    ['a string accessFrom', { accessFrom: '500' }],
  ])('refuses %s', async (_, change) => {
    const { plans, ...contributionChange } = change as { plans?: unknown[] };
    const iso = await isolatedWorker({
      offers: {
        plans: plans ?? [],
        contributions: {
          currency: 'eur',
          presets: [500],
          min: 100,
          max: 10_000,
          oneTime: true,
          monthly: true,
          passDays: 30,
          ...(plans ? {} : { accessFrom: 500 }),
          ...contributionChange,
        },
      },
    });
    const response = await iso.fetcher(new Request('https://paywall.test/_paywall/v1/health'));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_configuration');
    expect(body.error.message).toContain('offers.contributions.accessFrom');
  });
});
