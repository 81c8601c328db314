import { describe, expect, it } from 'vitest';
import { DEFAULT_COPY, type PromptCopyInput, promptCopySchema } from '../../../src/prompt/copy';

const copy = (input: PromptCopyInput = {}) => promptCopySchema.parse(input);

describe('copy', () => {
  it('defaults parse from {} and reject unknown keys and markup-free limits', () => {
    expect(DEFAULT_COPY.heading).toBe('Be Part of Quality Journalism');
    expect(DEFAULT_COPY.notice.zero).toBe('No free articles left this month.');
    expect(promptCopySchema.safeParse({ headline: 'x' }).success).toBe(false);
    expect(promptCopySchema.safeParse({ locale: 'not a locale!' }).success).toBe(false);
    expect(copy({ notice: { one: 'x' } }).notice.other).toBe(DEFAULT_COPY.notice.other);
  });
});
