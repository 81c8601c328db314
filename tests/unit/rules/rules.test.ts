import { describe, expect, it } from 'vitest';
import { paywallConfigSchema } from '../../../src/config';
import { classifyArticle } from '../../../src/rules/rules';

const rulesOf = (rules: unknown) => paywallConfigSchema.parse({ rules }).rules;

describe('classifyArticle (pure)', () => {
  const rules = rulesOf([
    { match: { path: '/free/**' }, access: 'free' },
    { match: { section: 'investigations' }, access: 'premium' },
    { match: { path: '/live/*', section: 'sport' }, access: 'free' },
    { match: { section: 'investigations' }, access: 'free' }, // shadowed: first match wins
  ]);

  it('defaults to metered when no rule matches', () => {
    expect(classifyArticle({ id: '2026/11/x' }, rules)).toBe('metered');
    expect(classifyArticle({ id: 'x' }, [])).toBe('metered');
  });

  it('matches the URL pathname when there is a URL, and /<id> otherwise', () => {
    expect(classifyArticle({ id: 'x', url: 'https://s.example/free/2026/x?utm=1' }, rules)).toBe(
      'free',
    );
    expect(classifyArticle({ id: 'free/x' }, rules)).toBe('free');
    expect(classifyArticle({ id: 'free/x', url: 'https://s.example/paid/x' }, rules)).toBe(
      'metered',
    );
  });

  it('matches sections exactly, and the first matching rule wins', () => {
    expect(classifyArticle({ id: 'x', section: 'investigations' }, rules)).toBe('premium');
    expect(classifyArticle({ id: 'x', section: 'Investigations' }, rules)).toBe('metered');
  });

  it('a rule with path and section needs both', () => {
    expect(classifyArticle({ id: 'live/1', section: 'sport' }, rules)).toBe('free');
    expect(classifyArticle({ id: 'live/1', section: 'world' }, rules)).toBe('metered');
    expect(classifyArticle({ id: 'other/1', section: 'sport' }, rules)).toBe('metered');
  });
});
