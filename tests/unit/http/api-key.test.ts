import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isSiteApiKey } from '../../../src/http/api-key';

/**
 * The key check compares padded bytes instead of digests: it must answer exactly what
 * "the UTF-8 bytes are equal" answers, for any presented value and any key list, including
 * values longer than every key, keys that are prefixes of each other, and lone surrogates
 * (which UTF-8 encoding turns into U+FFFD, as the digest's encoding did).
 */
const utf8 = (s: string) => Buffer.from(new TextEncoder().encode(s)).toString('hex');
const sameBytes = (presented: string, keys: readonly string[]) =>
  keys.some((key) => utf8(key) === utf8(presented));

describe('isSiteApiKey', () => {
  const keys = ['local-dev-key', 'site-key-0123456789abcdef', 'site-key-0123456789abcdef-2'];

  it('accepts each configured key and refuses near misses', () => {
    for (const key of keys) expect(isSiteApiKey(key, keys)).toBe(true);
    for (const miss of [
      '',
      'local-dev-ke',
      'local-dev-keyy',
      'site-key-0123456789abcdeF',
      'x'.repeat(5000),
    ]) {
      expect(isSiteApiKey(miss, keys)).toBe(false);
    }
  });

  it('refuses a value whose bytes fill the whole comparison width', () => {
    const long = 'k'.repeat(1500);
    expect(isSiteApiKey(long, [long])).toBe(true);
    expect(isSiteApiKey(`${long}k`, [long])).toBe(false);
    expect(isSiteApiKey('k'.repeat(1501), [long, 'k'.repeat(1499)])).toBe(false);
  });

  test.prop([
    fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 4 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.nat(4),
  ])('answers what comparing UTF-8 bytes answers', (keys, other, pick) => {
    const presented = pick < keys.length ? (keys[pick] as string) : other;
    expect(isSiteApiKey(presented, keys)).toBe(sameBytes(presented, keys));
    expect(isSiteApiKey(`${presented}x`, keys)).toBe(sameBytes(`${presented}x`, keys));
    expect(isSiteApiKey(presented.slice(1), keys)).toBe(sameBytes(presented.slice(1), keys));
  });
});
