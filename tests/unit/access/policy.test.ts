import { describe, expect, it } from 'vitest';
import { decideAccess } from '../../../src/access/policy';
import type { MeterResult } from '../../../src/meter/meter';

const resetsAt = new Date('2026-12-01T00:00:00Z');
const meter = (
  outcome: 'counted' | 'available' | 'already_read' | 'exhausted',
  used: number,
): MeterResult => ({
  ok: true,
  outcome,
  used,
  limit: 3,
  resetsAt,
});

describe('decideAccess (pure)', () => {
  it.each([
    ['counted', 1, 'granted', 'metered', 2],
    ['available', 2, 'granted', 'metered', 1],
    ['already_read', 3, 'granted', 'already_read', 0],
    ['exhausted', 3, 'denied', 'meter_exhausted', 0],
  ] as const)(
    'meter %s (used %i) → %s/%s, %i remaining',
    (outcome, used, access, reason, remaining) => {
      const d = decideAccess({
        entitled: false,
        articleAccess: 'metered',
        meter: meter(outcome, used),
        onMeterFailure: 'open',
      });
      expect([d.access, d.reason, d.meter?.remaining, d.degraded]).toEqual([
        access,
        reason,
        remaining,
        null,
      ]);
    },
  );

  it('free and premium articles ignore the meter', () => {
    expect(
      decideAccess({ entitled: false, articleAccess: 'free', meter: null, onMeterFailure: 'open' })
        .reason,
    ).toBe('free_article');
    const premium = decideAccess({
      entitled: false,
      articleAccess: 'premium',
      meter: null,
      onMeterFailure: 'open',
    });
    expect([premium.access, premium.reason]).toEqual(['denied', 'premium']);
  });

  it('a failed meter is degraded: open grants, closed denies, and the failure is kept', () => {
    const failed: MeterResult = { ok: false, failure: 'timeout' };
    const open = decideAccess({
      entitled: false,
      articleAccess: 'metered',
      meter: failed,
      onMeterFailure: 'open',
    });
    const closed = decideAccess({
      entitled: false,
      articleAccess: 'metered',
      meter: failed,
      onMeterFailure: 'closed',
    });
    expect([open.access, open.reason, open.degraded]).toEqual(['granted', 'degraded', 'timeout']);
    expect([closed.access, closed.reason]).toEqual(['denied', 'degraded']);
  });

  it('a subscriber is granted everything, premium included, without the meter', () => {
    for (const articleAccess of ['free', 'premium', 'metered'] as const) {
      const d = decideAccess({
        entitled: true,
        articleAccess,
        meter: null,
        onMeterFailure: 'closed',
      });
      expect([d.access, d.reason, d.meter]).toEqual(['granted', 'subscriber', null]);
    }
  });
});
