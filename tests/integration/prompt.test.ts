import { describe, expect, it } from 'vitest';
import { BASE, callWorker } from '../support/worker';

const prompt = (query: string) => callWorker(new Request(`${BASE}/_paywall/v1/prompt?${query}`));

describe('GET /_paywall/v1/prompt', () => {
  it('is the support prompt as a cacheable HTML fragment: styles, then the section', async () => {
    const response = await prompt('returnTo=%2F2026%2F11%2Fstory&variant=wall&limit=3&used=3');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    expect(html).toMatch(/^<style[^>]*>/);
    expect(html).toContain('<section id="paywall-prompt" class="pw-prompt" data-pw-variant="wall"');
    expect(html).toContain('name="returnTo" value="/2026/11/story"');
    expect(html).toContain('action="/_paywall/v1/checkout"');
    expect(html).toContain('3 free articles');
    expect(html).not.toMatch(/<html|<body|<script/);
  });

  it('reads as subscribers-only without a meter, and as a support box when asked', async () => {
    const premium = await (await prompt('returnTo=/a')).text();
    expect(premium).toContain('data-pw-variant="wall"');
    expect(premium).not.toContain('free articles');
    const support = await (await prompt('returnTo=/a&variant=support')).text();
    expect(support).toContain('data-pw-variant="support"');
  });

  it.each([
    ['an absolute returnTo', 'returnTo=https%3A%2F%2Fevil.example%2F'],
    ['a protocol-relative returnTo', 'returnTo=%2F%2Fevil.example'],
    ['one of our own routes', 'returnTo=%2F_paywall%2Fv1%2Faccess'],
    ['an unknown variant', 'variant=popup'],
    ['a limit that is not a number', 'limit=three'],
    ['a negative count', 'limit=3&used=-1'],
  ])('refuses %s with the error envelope', async (_label, query) => {
    const response = await prompt(query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).not.toContain('evil.example');
  });
});
