import { describe, expect, it } from 'vitest';
import { shadowWalls } from '../../../src/access/shadow';
import type { MeterResult } from '../../../src/meter/meter';
import { rulesConfigSchema } from '../../../src/rules/config';

const resetsAt = new Date('2026-12-01T00:00:00Z');
const meter = (outcome: 'counted' | 'already_read' | 'exhausted', used: number): MeterResult =>
  ({ ok: true, outcome, used, limit: 3, resetsAt }) as MeterResult;
const premiumInvestigations = rulesConfigSchema.parse([
  { match: { section: 'investigations' }, access: 'premium' },
]);
const base = {
  liveRules: [],
  liveLimit: 3,
  configuredLimit: 3,
  article: { id: 'a' },
  entitled: false,
  verifiedCrawler: false,
  onMeterFailure: 'open' as const,
};

describe('shadowWalls: what the candidate configuration would have done', () => {
  it.each([
    ['limit 2: the 2nd new article is granted', { meterLimit: 2 }, meter('counted', 2), false],
    ['limit 2: the 3rd new article is walled', { meterLimit: 2 }, meter('counted', 3), true],
    ['limit 2: a re-read stays granted', { meterLimit: 2 }, meter('already_read', 3), false],
    ['limit 2: walled live at 3 is walled', { meterLimit: 2 }, meter('exhausted', 3), true],
    [
      'limit 5: walled live at 3 is granted (a lower bound)',
      { meterLimit: 5 },
      meter('exhausted', 3),
      false,
    ],
    ['limit 3 (the live one): the same as live', { meterLimit: 3 }, meter('exhausted', 3), true],
    ['no meter answer (live did not meter it)', { meterLimit: 2 }, null, false],
  ])('%s', (_name, shadow, answer, walled) => {
    expect(shadowWalls({ ...base, shadow, meter: answer })).toBe(walled);
  });

  it('walls a candidate premium section, and frees nothing for a subscriber or a crawler', () => {
    const shadow = { rules: premiumInvestigations };
    const article = { id: 'x', section: 'investigations' };
    expect(shadowWalls({ ...base, shadow, article, meter: meter('counted', 1) })).toBe(true);
    expect(shadowWalls({ ...base, shadow, article, entitled: true, meter: null })).toBe(false);
    expect(shadowWalls({ ...base, shadow, article, verifiedCrawler: true, meter: null })).toBe(
      false,
    );
  });

  it('keeps a registered reader’s extra articles on top of the candidate limit', () => {
    // Live: 3 + 2 extra = 5; candidate 2 + 2 extra = 4.
    const shadow = { meterLimit: 2 };
    const args = { ...base, liveLimit: 5, shadow };
    expect(shadowWalls({ ...args, meter: meter('counted', 4) })).toBe(false);
    expect(shadowWalls({ ...args, meter: meter('counted', 5) })).toBe(true);
  });

  it('follows onMeterFailure when the meter failed', () => {
    const failed: MeterResult = { ok: false, failure: 'timeout' } as MeterResult;
    expect(shadowWalls({ ...base, shadow: {}, meter: failed })).toBe(false);
    expect(shadowWalls({ ...base, shadow: {}, meter: failed, onMeterFailure: 'closed' })).toBe(
      true,
    );
  });
});
