import { describe, expect, it } from 'vitest';
import { resolveChoice } from '../../../src/billing/checkout';
import { DEFAULT_OFFERS, offersSchema } from '../../../src/billing/offers';
import { DEFAULT_COPY } from '../../../src/prompt/copy';
import { renderPrompt } from '../../../src/prompt/render';
import {
  CheckoutFormSchema,
  CheckoutJsonSchema,
  majorToMinor,
} from '../../../src/schemas/checkout';
import { formsOf, submit } from '../support/forms';

// The checkout request as the prompt's plain HTML form sends it (JavaScript off) and as a
// site sends it as JSON: what each schema accepts, and the custom amount's major units.

const offers = offersSchema.parse(DEFAULT_OFFERS);
const parseForm = (body: URLSearchParams) => CheckoutFormSchema.safeParse(Object.fromEntries(body));
const form = (fields: Record<string, string>) => CheckoutFormSchema.safeParse(fields);

describe('CheckoutFormSchema reads what the prompt sends', () => {
  const contribution = () => {
    const html = renderPrompt({
      offers,
      copy: DEFAULT_COPY,
      returnTo: '/2026/11/story',
      variant: 'support',
    });
    const f = formsOf(html)
      .filter((x) => x.attrs.action === '/_paywall/v1/checkout')
      .find((x) => x.inputs.some((i) => i.name === 'currency'));
    if (!f) throw new Error('no contribution form');
    return f;
  };

  it('a bare submit is a valid €3 one-time contribution; a typed amount takes precedence', () => {
    const f = contribution();
    const bare = parseForm(submit(f));
    expect(bare.success && bare.data).toMatchObject({
      amount: '300',
      currency: 'eur',
      recurring: 'once',
    });
    const typed = parseForm(submit(f, { customAmount: '7.50' }));
    expect(typed.success).toBe(true);
    if (!typed.success) return;
    // The route's precedence: customAmount when present, else the preset.
    const amount =
      typed.data.customAmount !== undefined
        ? majorToMinor(typed.data.customAmount)
        : Number(typed.data.amount);
    expect(amount).toBe(750);
    const resolved = resolveChoice(
      { contribution: { amount, currency: 'eur', recurring: typed.data.recurring === 'monthly' } },
      offers,
    );
    expect(resolved.ok).toBe(true);
  });
});

describe('CheckoutFormSchema: exactly one of a plan or an amount', () => {
  it.each([
    ['a plan', { plan: 'monthly' }],
    ['a preset amount', { amount: '500', currency: 'eur', recurring: 'once' }],
    ['a typed amount', { customAmount: '12,50', currency: 'eur', recurring: 'monthly' }],
    ['a typed amount with an empty preset', { amount: '', customAmount: '12' }],
    ['a plan with empty amount fields', { plan: 'yearly', amount: '', customAmount: '' }],
  ])('accepts %s', (_, fields) => {
    expect(form(fields).success).toBe(true);
  });

  it.each([
    ['nothing', {}],
    ['only empty fields', { plan: '', amount: '', customAmount: '' }],
    ['a plan and an amount', { plan: 'monthly', amount: '500' }],
    ['a plan and a typed amount', { plan: 'monthly', customAmount: '5' }],
    ['an amount in major units', { amount: '5.00' }],
    ['a negative amount', { amount: '-500' }],
    ['a ten-digit amount', { amount: '1234567890' }],
    ['three decimals', { customAmount: '7.505' }],
    ['a currency sign', { customAmount: '€7' }],
    ['an exponent', { customAmount: '1e3' }],
    ['an upper-case currency', { amount: '500', currency: 'EUR' }],
    ['a recurrence we do not offer', { amount: '500', recurring: 'weekly' }],
    ['a plan id over 32 characters', { plan: 'p'.repeat(33) }],
    ['a returnTo over 512 characters', { plan: 'monthly', returnTo: `/${'a'.repeat(512)}` }],
  ])('refuses %s', (_, fields) => {
    expect(form(fields).success).toBe(false);
  });

  it('an empty field counts as absent', () => {
    const parsed = form({ plan: 'monthly', amount: '', currency: '', recurring: '' });
    expect(parsed.success && parsed.data).toEqual({ plan: 'monthly' });
  });
});

describe('CheckoutJsonSchema: exactly one of plan or contribution', () => {
  const contribution = { amount: 500, currency: 'eur', recurring: false };

  it('accepts a plan, or a contribution, with an optional returnTo and reader', () => {
    expect(CheckoutJsonSchema.safeParse({ plan: 'monthly' }).success).toBe(true);
    expect(
      CheckoutJsonSchema.safeParse({ contribution, returnTo: '/a', readerId: 'r', userId: 'u' })
        .success,
    ).toBe(true);
  });

  it.each([
    ['neither', {}],
    ['both', { plan: 'monthly', contribution }],
    ['a fractional amount', { contribution: { ...contribution, amount: 5.5 } }],
    ['a two-letter currency', { contribution: { ...contribution, currency: 'eu' } }],
    ['a recurring flag as text', { contribution: { ...contribution, recurring: 'false' } }],
    ['an empty plan', { plan: '' }],
    ['an empty userId', { plan: 'monthly', userId: '' }],
  ])('refuses %s', (_, body) => {
    expect(CheckoutJsonSchema.safeParse(body).success).toBe(false);
  });
});

describe('majorToMinor: the typed amount, in minor units', () => {
  it.each([
    ['7', 700],
    ['7.5', 750],
    ['7,5', 750],
    ['7.05', 705],
    ['7,50', 750],
    ['0.01', 1],
    ['1000', 100_000],
    ['9999999.99', 999_999_999],
  ])('%s → %i', (text, minor) => {
    expect(majorToMinor(text)).toBe(minor);
  });

  it('gives a whole number for every value the form schema accepts', () => {
    for (const text of ['1', '12', '12.3', '12,34', '0000001.10']) {
      expect(form({ customAmount: text }).success).toBe(true);
      expect(Number.isSafeInteger(majorToMinor(text))).toBe(true);
    }
  });
});
