import { describe, expect, it } from 'vitest';
import {
  contributionAccess,
  DEFAULT_OFFERS,
  type Offers,
  offersSchema,
} from '../../../src/billing/offers';
import { DEFAULT_COPY, promptCopySchema } from '../../../src/prompt/copy';
import { renderPrompt } from '../../../src/prompt/render';

// The prompt says what each choice gives, from the same thresholds billing applies: no amount
// is advertised as unlocking what the server would not grant, and thanks-only is said aloud.

const base = offersSchema.parse(DEFAULT_OFFERS);
const withContributions = (
  change: Partial<NonNullable<Offers['contributions']>>,
  plans = base.plans,
) =>
  offersSchema.parse({
    plans,
    contributions: { ...(base.contributions as NonNullable<Offers['contributions']>), ...change },
  });
const text = (offers: Offers) =>
  renderPrompt({ offers, copy: DEFAULT_COPY, returnTo: '/a', variant: 'wall' })
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('the prompt states what each contribution gives', () => {
  it.each([
    [
      'defaults: €5 a month, €5 once for 30 days, less is thanks',
      base,
      [
        'Once: €5 or more unlocks 30 days',
        'Every month: €5 or more a month unlocks',
        'does not unlock',
      ],
      [],
    ],
    [
      'min at the threshold: no thanks-only line',
      withContributions({ min: 500, presets: [500, 1000] }),
      ['Once: €5 or more', 'Every month: €5 or more'],
      ['does not unlock'],
    ],
    [
      'accessFrom above max: nothing unlocks, and it says so',
      withContributions({ accessFrom: 200_000 }),
      ['they do not unlock articles'],
      ['or more unlocks', 'or more a month unlocks'],
    ],
    [
      'accessFrom null: thanks-only',
      withContributions({ accessFrom: null }),
      ['they do not unlock articles'],
      ['unlocks 30 days'],
    ],
    [
      'a 7-day pass: the monthly price pro-rated (€1.17)',
      withContributions({ passDays: 7 }),
      ['Once: €1.17 or more unlocks 7 days', 'Every month: €5 or more'],
      [],
    ],
    [
      'a pass of 0 days: one-time is thanks-only',
      withContributions({ passDays: 0 }),
      ['Every month: €5 or more', 'does not unlock'],
      ['Once:'],
    ],
    [
      'only the yearly plan: €50 a year is €4.17 a month',
      withContributions(
        {},
        base.plans.filter((p) => p.interval === 'year'),
      ),
      ['Every month: €4.17 or more', 'Once: €4.17 or more'],
      [],
    ],
    [
      'monthly only',
      withContributions({ oneTime: false }),
      ['Every month: €5 or more', 'does not unlock'],
      ['Once:'],
    ],
  ] as const)('%s', (_, offers, says, neverSays) => {
    const shown = text(offers);
    for (const phrase of says) expect(shown).toContain(phrase);
    for (const phrase of neverSays) expect(shown).not.toContain(phrase);
  });

  it('the thresholds it shows are the ones billing applies', () => {
    expect(contributionAccess(base)).toEqual({
      currency: 'eur',
      monthly: 500,
      once: 500,
      passDays: 30,
    });
    expect(contributionAccess(withContributions({ passDays: 7 }))?.once).toBe(117);
  });

  it.each([
    ['passNote without {amount}', { passNote: { one: 'A pass!', other: 'Passes!' } }],
    [
      'passNote.one without {amount}',
      { passNote: { one: 'A pass!', other: '{amount} for {days} days' } },
    ],
    ['monthlyNote without {amount}', { monthlyNote: 'Monthly unlocks everything' }],
  ])('copy that hides the amount is refused: %s', (_, copy) => {
    expect(promptCopySchema.safeParse(copy).success).toBe(false);
  });

  it('custom copy that names the amount is used', () => {
    const copy = promptCopySchema.parse({ monthlyNote: 'Von {amount} im Monat: alles lesen.' });
    const html = renderPrompt({ offers: base, copy, returnTo: '/a', variant: 'wall' });
    expect(html).toContain('Von €5 im Monat: alles lesen.');
  });
});
