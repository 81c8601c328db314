import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { leadingVariant, wilsonInterval } from '../../../src/experiments/interval';

// The conversion rate's 95% Wilson score interval and the leading variant
// (src/experiments/interval.ts). Expected values are worked by hand from
// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) with z = 1.96, to 4 decimals.

describe('wilsonInterval', () => {
  it.each([
    // successes, trials, rate, low, high
    [0, 10, 0, 0, 0.2775],
    [5, 10, 0.5, 0.2366, 0.7634],
    [50, 100, 0.5, 0.4038, 0.5962],
    [1, 100, 0.01, 0.0018, 0.0545],
    [3, 1000, 0.003, 0.001, 0.0088],
    [1000, 1000, 1, 0.9962, 1],
  ])('%i of %i', (successes, trials, rate, low, high) => {
    const i = wilsonInterval(successes, trials);
    expect(i.rate).toBeCloseTo(rate, 10);
    expect(i.low).toBeCloseTo(low, 4);
    expect(i.high).toBeCloseTo(high, 4);
  });

  it('ends exactly at 0 and 1, never a rounding error past them (or -0)', () => {
    expect(wilsonInterval(0, 11).low).toBe(0); // computes 3e-17 unclamped
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(1000, 1000).high).toBe(1);
  });

  it('is null throughout with no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
  });

  it('reads more successes than trials (a payment from before the range) as all of them', () => {
    expect(wilsonInterval(12, 10)).toEqual(wilsonInterval(10, 10));
  });

  it('takes another z: 2.576 (99%) is wider than 1.96 (95%)', () => {
    const i95 = wilsonInterval(50, 100);
    const i99 = wilsonInterval(50, 100, 2.576);
    expect(i99.low).toBeCloseTo(0.3753, 4);
    expect(i99.high).toBeCloseTo(0.6247, 4);
    expect(i99.low as number).toBeLessThan(i95.low as number);
  });

  test.prop(
    [fc.integer({ min: 1, max: 1_000_000 }).chain((n) => fc.tuple(fc.nat(n), fc.constant(n)))],
    { seed: 15101, numRuns: 500 },
  )('holds the rate inside [0, 1], and narrows as trials grow at the same rate', ([s, n]) => {
    const i = wilsonInterval(s, n);
    const wider = wilsonInterval(s * 4, n * 4);
    for (const x of [i, wider]) {
      expect(x.low as number).toBeGreaterThanOrEqual(0);
      expect(x.low as number).toBeLessThanOrEqual(x.rate as number);
      expect(x.high as number).toBeGreaterThanOrEqual(x.rate as number);
      expect(x.high as number).toBeLessThanOrEqual(1);
    }
    expect((wider.high as number) - (wider.low as number)).toBeLessThan(
      (i.high as number) - (i.low as number),
    );
  });
});

describe('leadingVariant', () => {
  const v = (id: string, successes: number, trials: number) => ({ id, successes, trials });

  it('leads for real when its interval clears every other', () => {
    // 50/1000: [0.0381, 0.0653]; 20/1000: [0.0130, 0.0307].
    expect(leadingVariant([v('b', 20, 1000), v('a', 50, 1000)])).toEqual({
      id: 'a',
      significant: true,
    });
  });

  it('leads but not for real when the intervals overlap', () => {
    // 12/200 = 6% and 10/200 = 5%: [0.0347, 0.1019] and [0.0274, 0.0896].
    expect(leadingVariant([v('a', 12, 200), v('b', 10, 200)])).toEqual({
      id: 'a',
      significant: false,
    });
  });

  it('needs to clear every other variant, not only the last', () => {
    const clear = [v('a', 50, 1000), v('b', 20, 1000)];
    expect(leadingVariant(clear)?.significant).toBe(true);
    expect(leadingVariant([...clear, v('c', 45, 1000)])).toEqual({ id: 'a', significant: false });
  });

  it('is never sure while a variant has no trials: it could be anywhere in [0, 1]', () => {
    expect(leadingVariant([v('a', 50, 1000), v('b', 20, 1000), v('c', 0, 0)])).toEqual({
      id: 'a',
      significant: false,
    });
  });

  it('gives a tie on rate to more trials, then to the first listed', () => {
    expect(leadingVariant([v('a', 1, 10), v('b', 10, 100)])?.id).toBe('b');
    expect(leadingVariant([v('a', 10, 100), v('b', 10, 100)])?.id).toBe('a');
    expect(leadingVariant([v('a', 0, 5), v('b', 0, 50)])).toEqual({ id: 'b', significant: false });
  });

  it('alone, leads nothing', () => {
    expect(leadingVariant([v('a', 900, 1000)])).toEqual({ id: 'a', significant: false });
  });

  it('is null with no trials anywhere', () => {
    expect(leadingVariant([])).toBeNull();
    expect(leadingVariant([v('a', 0, 0), v('b', 0, 0)])).toBeNull();
  });

  test.prop(
    [
      fc.array(
        fc
          .integer({ min: 0, max: 5_000 })
          .chain((n) => fc.record({ trials: fc.constant(n), successes: fc.nat(n) })),
        { minLength: 1, maxLength: 8 },
      ),
    ],
    { seed: 15102, numRuns: 300 },
  )('names a variant with the highest rate; significant only if its interval clears', (rows) => {
    const variants = rows.map((r, i) => v(`v${i}`, r.successes, r.trials));
    const leader = leadingVariant(variants);
    const tried = variants.filter((x) => x.trials > 0);
    if (tried.length === 0) return expect(leader).toBeNull();
    const best = Math.max(...tried.map((x) => x.successes / x.trials));
    const lead = variants.find((x) => x.id === leader?.id);
    expect(lead && lead.successes / lead.trials).toBe(best);
    const low = wilsonInterval(lead?.successes ?? 0, lead?.trials ?? 0).low as number;
    const clears = variants
      .filter((x) => x !== lead)
      .map((x) => wilsonInterval(x.successes, x.trials).high)
      .every((high) => high !== null && low > high);
    expect(leader?.significant).toBe(variants.length > 1 && clears);
  });
});
