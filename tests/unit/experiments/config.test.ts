import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, offersSchema } from '../../../src/billing/offers';
import {
  type ExperimentsConfigInput,
  experimentOfferIssues,
  experimentsConfigSchema,
  MAX_VARIANTS,
} from '../../../src/experiments/config';

// The experiment's configuration section (src/experiments/config.ts) and its check against
// the configured offers.

const parse = (input: unknown) => experimentsConfigSchema.safeParse(input);
const refusedAt = (input: unknown) => {
  const result = parse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.map((i) => i.path.join('.')) ?? [];
};
const variants = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `v${i}`, weight: 1 }));

describe('experimentsConfigSchema', () => {
  it('reads {} as no experiment', () => {
    expect(experimentsConfigSchema.parse({})).toEqual({ id: 'prompt', variants: [] });
  });

  it('takes every override, trimming copy as the prompt copy does', () => {
    const input: ExperimentsConfigInput = {
      id: 'spring-2027',
      variants: [
        { id: 'control', weight: 1 },
        {
          id: 'yearly-first',
          weight: 1,
          heading: '  Support local reporting  ',
          body: 'Every euro goes to the newsroom.',
          firstOffer: 'yearly',
          defaultContribution: 500,
        },
        { id: 'give-first', weight: 0.5, firstOffer: 'contribution' },
        { id: 'paused', weight: 0 },
      ],
    };
    const parsed = experimentsConfigSchema.parse(input);
    expect(parsed.variants[1]?.heading).toBe('Support local reporting');
    expect(parsed.variants.map((v) => v.weight)).toEqual([1, 1, 0.5, 0]);
  });

  it('refuses duplicate variant ids', () => {
    expect(refusedAt({ variants: [...variants(2), { id: 'v0', weight: 3 }] })).toEqual([
      'variants',
    ]);
  });

  it('refuses variants that all weigh 0, but not an empty list', () => {
    expect(refusedAt({ variants: variants(3).map((v) => ({ ...v, weight: 0 })) })).toEqual([
      'variants',
    ]);
    expect(parse({ variants: [] }).success).toBe(true);
  });

  it(`takes ${MAX_VARIANTS} variants and refuses more`, () => {
    expect(parse({ variants: variants(MAX_VARIANTS) }).success).toBe(true);
    expect(refusedAt({ variants: variants(MAX_VARIANTS + 1) })).toEqual(['variants']);
  });

  it('refuses unknown keys, in the section and in a variant', () => {
    expect(parse({ variants: [], enabled: true }).success).toBe(false);
    // "headline" is not the copy's name for it: `heading` is.
    expect(refusedAt({ variants: [{ id: 'a', weight: 1, headline: 'x' }] })).toEqual([
      'variants.0',
    ]);
  });

  it.each([
    ['a negative weight', { id: 'a', weight: -1 }, 'variants.0.weight'],
    ['an infinite weight', { id: 'a', weight: Number.POSITIVE_INFINITY }, 'variants.0.weight'],
    ['an id with capitals', { id: 'Control', weight: 1 }, 'variants.0.id'],
    ['an id of 33 characters', { id: 'a'.repeat(33), weight: 1 }, 'variants.0.id'],
    ['a blank heading', { id: 'a', weight: 1, heading: '   ' }, 'variants.0.heading'],
    ['a heading past 120', { id: 'a', weight: 1, heading: 'h'.repeat(121) }, 'variants.0.heading'],
    ['a body past 600', { id: 'a', weight: 1, body: 'b'.repeat(601) }, 'variants.0.body'],
    [
      'a fractional amount',
      { id: 'a', weight: 1, defaultContribution: 2.5 },
      'variants.0.defaultContribution',
    ],
    [
      'a zero amount',
      { id: 'a', weight: 1, defaultContribution: 0 },
      'variants.0.defaultContribution',
    ],
  ])('refuses %s', (_, variant, path) => {
    expect(refusedAt({ variants: [variant] })).toContain(path);
  });

  it('refuses an experiment id that is not a slug', () => {
    expect(refusedAt({ id: 'spring 2027', variants: [] })).toEqual(['id']);
  });
});

describe('experimentOfferIssues', () => {
  const offers = offersSchema.parse(DEFAULT_OFFERS);
  const check = (input: ExperimentsConfigInput, o = offers) =>
    experimentOfferIssues(experimentsConfigSchema.parse(input), o);

  it('accepts overrides that name configured offers', () => {
    expect(
      check({
        variants: [
          { id: 'a', weight: 1, firstOffer: 'yearly', defaultContribution: 1000 },
          { id: 'b', weight: 1, firstOffer: 'contribution', defaultContribution: 300 },
        ],
      }),
    ).toEqual([]);
  });

  it('names a plan no plan has, and a default that is not a preset', () => {
    const issues = check({
      variants: [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1, firstOffer: 'weekly', defaultContribution: 700 },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      ['variants', 1, 'firstOffer'],
      ['variants', 1, 'defaultContribution'],
    ]);
  });

  it('refuses the contribution form first, or a default amount, without contributions', () => {
    const plansOnly = { ...offers, contributions: null };
    const issues = check(
      { variants: [{ id: 'a', weight: 1, firstOffer: 'contribution', defaultContribution: 500 }] },
      plansOnly,
    );
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'variants.0.firstOffer',
      'variants.0.defaultContribution',
    ]);
  });
});
