import { describe, expect, it } from 'vitest';
import type { SubscriberRecord } from '../../../src/entitlements/record';
import { accessFromRecord } from '../../../src/entitlements/status';

const now = new Date('2026-11-27T12:00:00Z');
const s = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const policy = { pastDueGraceDays: 3 };

const record = (overrides: Partial<SubscriberRecord>): SubscriberRecord => ({
  v: 1,
  subscriberId: 'sbr_AAAAAAAAAAAAAAAAAAAAAA',
  kind: 'subscription',
  plan: 'monthly',
  status: 'active',
  currentPeriodEnd: s('2026-12-15T00:00:00Z'),
  pastDueSince: null,
  stripe: {},
  updatedAt: 1,
  ...overrides,
});

describe('accessFromRecord: billing status → access, in one place', () => {
  it.each(['active', 'trialing'] as const)('%s grants until the end of the period', (status) => {
    expect(accessFromRecord(record({ status }), now, policy)).toEqual({
      entitled: true,
      until: new Date('2026-12-15T00:00:00Z'),
    });
  });

  it.each([
    'canceled',
    'unpaid',
    'incomplete',
    'incomplete_expired',
    'paused',
    'refunded',
  ] as const)('%s denies', (status) => {
    expect(accessFromRecord(record({ status }), now, policy).entitled).toBe(false);
  });

  it('past_due grants for the grace period from when the payment failed, then denies', () => {
    const failedAt = s('2026-11-25T12:00:00Z');
    const inGrace = accessFromRecord(
      record({ status: 'past_due', pastDueSince: failedAt }),
      now,
      policy,
    );
    expect(inGrace).toEqual({ entitled: true, until: new Date('2026-11-28T12:00:00Z') });
    const justOver = accessFromRecord(
      record({ status: 'past_due', pastDueSince: s('2026-11-24T11:59:59Z') }),
      now,
      policy,
    );
    expect(justOver).toEqual({ entitled: false, why: 'grace_over' });
    expect(
      accessFromRecord(record({ status: 'past_due', pastDueSince: failedAt }), now, {
        pastDueGraceDays: 0,
      }),
    ).toEqual({ entitled: false, why: 'grace_over' });
  });

  it('a supporter pass grants until it ends, and never when refunded', () => {
    const pass = record({
      kind: 'supporter_pass',
      plan: 'pass-30d',
      currentPeriodEnd: s('2026-12-01T00:00:00Z'),
    });
    expect(accessFromRecord(pass, now, policy)).toEqual({
      entitled: true,
      until: new Date('2026-12-01T00:00:00Z'),
    });
    expect(
      accessFromRecord({ ...pass, currentPeriodEnd: s('2026-11-27T11:59:59Z') }, now, policy),
    ).toEqual({
      entitled: false,
      why: 'pass_over',
    });
    expect(accessFromRecord({ ...pass, status: 'refunded' }, now, policy).entitled).toBe(false);
  });
});
