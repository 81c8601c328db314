import { describe, expect, it } from 'vitest';
import { PROMPT_CSS, renderStyles } from '../../../src/prompt/styles';

describe('styles', () => {
  it('every CSS rule is scoped under .pw-prompt or .pw-notice (or our pw- classes)', () => {
    const selectors = [...PROMPT_CSS.matchAll(/(?:^|})([^{}]+)\{/g)].flatMap((m) =>
      (m[1] ?? '').split(','),
    );
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect(s.trim()).toMatch(/^\.pw-/);
    expect(PROMPT_CSS).not.toMatch(/@import|url\(|@font-face/);
  });

  it('renderStyles escapes a CSP nonce', () => {
    expect(renderStyles({ nonce: 'a"b' })).toMatch(/^<style nonce="a&quot;b">/);
  });
});
