import { describe, expect, it } from 'vitest';
import { cyrb53, unitInterval } from '../../../src/experiments/hash';

// The hash that variant assignment draws from (src/experiments/hash.ts). Its values are
// pinned: a change here reassigns every reader of every running experiment.

describe('cyrb53', () => {
  it('matches the values its author publishes', () => {
    expect(cyrb53('a')).toBe(7929297801672961);
    expect(cyrb53('b')).toBe(8684336938537663);
    expect(cyrb53('revenge')).toBe(4051478007546757);
    expect(cyrb53('revenue')).toBe(8309097637345594);
    expect(cyrb53('')).toBe(3338908027751811);
  });

  it('pins an assignment key as the experiments hash it', () => {
    expect(cyrb53('prompt|control|AAAAAAAAAAAAAAAAAAAAAA')).toBe(2238869983110554);
  });
});

describe('unitInterval', () => {
  it('stays strictly inside (0, 1)', () => {
    for (const text of ['', 'a', 'prompt|b|x']) {
      const u = unitInterval(text);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('spreads evenly: 10,000 keys over 10 bins, each within 4.5 standard deviations', () => {
    // Binomial(10,000, 0.1): mean 1,000, σ = √(10,000 · 0.1 · 0.9) = 30, so ±135.
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const bin = Math.floor(unitInterval(`prompt|v|reader-${i}`) * 10);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    for (const count of bins) expect(Math.abs(count - 1_000)).toBeLessThanOrEqual(135);
  });
});
