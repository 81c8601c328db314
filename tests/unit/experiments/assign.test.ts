import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { assignVariant } from '../../../src/experiments/assign';
import type { Experiment, Variant } from '../../../src/experiments/config';
import { unitInterval } from '../../../src/experiments/hash';
import { seededReaderIds } from './readers';

// Variant assignment (src/experiments/assign.ts): sticky, split by weight, and stable when
// one weight changes. Readers are 22-character base64url ids from a seeded PRNG.

const N = 10_000;
const READERS = seededReaderIds(N, 15);
const FEWER = READERS.slice(0, 2_000); // for properties that run many configurations

const experiment = (weights: readonly number[], id = 'prompt'): Experiment => ({
  id,
  variants: weights.map((weight, i) => ({ id: `v${i}`, weight })),
});

const assignAll = (readers: readonly string[], e: Experiment) =>
  readers.map((r) => assignVariant(r, e)?.id ?? null);

/**
 * The tolerance: each variant's count over n readers is Binomial(n, p) with p its share of
 * the weight, so its standard deviation is √(n·p·(1−p)); 4.5 of them is ±225 readers at a
 * 50% share of 10,000 and ±98 at 5%. A correct assignment misses it with a probability under
 * 7 in a million per variant, so a failure means the split is wrong, not unlucky.
 */
const SIGMAS = 4.5;
const tolerance = (n: number, p: number) => SIGMAS * Math.sqrt(n * p * (1 - p));

function expectSplit(readers: readonly string[], weights: readonly number[]) {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = new Map<string | null, number>();
  for (const id of assignAll(readers, experiment(weights))) {
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  expect(counts.get(null)).toBeUndefined();
  weights.forEach((w, i) => {
    const p = w / total;
    const count = counts.get(`v${i}`) ?? 0;
    if (w === 0) expect(count).toBe(0);
    else
      expect(Math.abs(count - readers.length * p)).toBeLessThanOrEqual(
        tolerance(readers.length, p),
      );
  });
}

const weightsArb = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 8 })
  .filter((ws) => ws.some((w) => w > 0));

describe('a reader stays in their variant', () => {
  it('on every call, and with the configuration parsed again', () => {
    const e = experiment([50, 30, 20]);
    const first = assignAll(READERS, e);
    expect(assignAll(READERS, experiment([50, 30, 20]))).toEqual(first);
    expect(assignAll(READERS, structuredClone(e))).toEqual(first);
  });

  test.prop([weightsArb, fc.integer({ min: 0, max: 2 ** 31 })], { seed: 15001, numRuns: 100 })(
    'whatever order the variants are listed in',
    (weights, shuffleSeed) => {
      const e = experiment(weights);
      const shuffled: Variant[] = [...e.variants];
      let s = shuffleSeed;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j] as Variant, shuffled[i] as Variant];
      }
      expect(assignAll(FEWER, { ...e, variants: shuffled })).toEqual(assignAll(FEWER, e));
    },
  );

  it('only the reader key, experiment and variant ids decide: the id in the hash matters', () => {
    // A renamed experiment is a fresh one: with two equal variants, half the readers change.
    const before = assignAll(READERS, experiment([1, 1], 'prompt'));
    const after = assignAll(READERS, experiment([1, 1], 'prompt-2'));
    const moved = before.filter((v, i) => v !== after[i]).length;
    expect(Math.abs(moved - N / 2)).toBeLessThanOrEqual(tolerance(N, 0.5));
  });
});

describe(`10,000 readers split by weight, each variant within ${SIGMAS} binomial standard deviations`, () => {
  it.each([[[1, 1]], [[50, 30, 15, 5]], [[1, 1, 1, 1, 1, 1, 1, 1]], [[0.9, 0.1]], [[3, 0, 1]]])(
    'weights %j',
    (weights) => expectSplit(READERS, weights),
  );

  test.prop([weightsArb], { seed: 15002, numRuns: 25 })('any weights', (weights) =>
    expectSplit(READERS, weights),
  );
});

describe("changing one variant's weight moves readers only into or out of it", () => {
  test.prop([weightsArb, fc.nat(7), fc.integer({ min: 0, max: 100 })], {
    seed: 15003,
    numRuns: 200,
  })('raised: only into it; lowered: only out of it; others never trade', (weights, k, w) => {
    const j = k % weights.length;
    const changed = weights.map((old, i) => (i === j ? w : old));
    fc.pre(changed.some((x) => x > 0));
    const before = assignAll(FEWER, experiment(weights));
    const after = assignAll(FEWER, experiment(changed));
    const target = `v${j}`;
    const old = weights[j] as number;
    FEWER.forEach((_, r) => {
      if (before[r] === after[r]) return;
      if (w > old) expect([before[r], after[r]]).toEqual([before[r], target]);
      else expect([before[r], after[r]]).toEqual([target, after[r]]);
    });
  });

  it('and moves as many as the new share says (1:1:1 → 1:1:3 moves 4 in 15)', () => {
    const before = assignAll(READERS, experiment([1, 1, 1]));
    const after = assignAll(READERS, experiment([1, 1, 3]));
    const moved = READERS.filter((_, i) => before[i] !== after[i]);
    expect(new Set(moved.map((r) => assignVariant(r, experiment([1, 1, 3]))?.id))).toEqual(
      new Set(['v2']),
    );
    const p = 3 / 5 - 1 / 3;
    expect(Math.abs(moved.length - N * p)).toBeLessThanOrEqual(tolerance(N, p));
  });

  test.prop([weightsArb, fc.integer({ min: 1, max: 100 })], { seed: 15004, numRuns: 100 })(
    'a variant added with a weight takes readers, and nobody else moves',
    (weights, w) => {
      const before = assignAll(FEWER, experiment(weights));
      const after = assignAll(FEWER, experiment([...weights, w]));
      const added = `v${weights.length}`;
      FEWER.forEach((_, r) => {
        if (before[r] !== after[r]) expect(after[r]).toBe(added);
      });
    },
  );

  it('a variant removed hands its readers to the others, and nobody else moves', () => {
    const e = experiment([40, 30, 20, 10]);
    const before = assignAll(READERS, e);
    const after = assignAll(READERS, { ...e, variants: e.variants.filter((v) => v.id !== 'v1') });
    READERS.forEach((_, r) => {
      if (before[r] !== 'v1') expect(after[r]).toBe(before[r]);
      else expect(after[r]).not.toBe('v1');
    });
  });

  it('which bucketing along [0, 1) would not do: the check catches a reshuffle', () => {
    // The same check against cumulative buckets (the usual alternative): raising v0's weight
    // shifts every boundary after it, so readers move from v1 to v2. Proves the check bites.
    const buckets = (r: string, weights: number[]) => {
      const total = weights.reduce((a, b) => a + b, 0);
      let x = unitInterval(r) * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i] as number;
        if (x < 0) return `v${i}`;
      }
      return `v${weights.length - 1}`;
    };
    const before = FEWER.map((r) => buckets(r, [1, 1, 1]));
    const after = FEWER.map((r) => buckets(r, [3, 1, 1]));
    const between = before.filter((v, i) => v !== after[i] && v !== 'v0' && after[i] !== 'v0');
    expect(between.length).toBeGreaterThan(0);
  });
});

describe('a weight of 0', () => {
  test.prop([weightsArb], { seed: 15005, numRuns: 100 })('is never assigned', (weights) => {
    const e = experiment(weights);
    const assigned = new Set(assignAll(FEWER, e));
    expect(assigned.has(null)).toBe(false);
    for (const v of e.variants) if (v.weight === 0) expect(assigned.has(v.id)).toBe(false);
  });

  it('everywhere, or no variants at all: no experiment, no variant', () => {
    expect(assignVariant(READERS[0] as string, experiment([]))).toBeNull();
    expect(assignVariant(READERS[0] as string, experiment([0, 0]))).toBeNull();
  });
});
