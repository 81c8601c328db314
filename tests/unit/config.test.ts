import { describe, expect, it } from 'vitest';
import { paywallConfigSchema } from '../../src/config';

const rulesOf = (rules: unknown) => paywallConfigSchema.parse({ rules }).rules;

describe('paywall configuration defaults', () => {
  it('are those of docs/configuration.md', () => {
    const config = paywallConfigSchema.parse({});
    expect(config.meter).toEqual({
      limit: 3,
      window: { kind: 'calendar-month' },
      cookieState: true,
    });
    expect(config.leadParagraphs).toBe(2);
    expect(config.onMeterFailure).toBe('open');
  });

  it('rejects a glob that does not start with /', () => {
    expect(() => rulesOf([{ match: { path: 'free/*' }, access: 'free' }])).toThrow(/start with/);
  });
});
