import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/encoding';

// The reference is Node's own base64url codec (unpadded, RFC 4648 §5).
const reference = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('base64url', () => {
  test.prop([fc.uint8Array({ maxLength: 300 })])('encodes as Node does, and decodes back', (b) => {
    const text = toBase64Url(b);
    expect(text).toBe(reference(b));
    expect(fromBase64Url(text)).toEqual(b);
  });

  it.each([
    ['padding', 'AA=='],
    ['the standard alphabet', 'ab+/'],
    ['whitespace atob would skip', 'AA AA'],
    ['a newline', 'AAAA\nAAAA'],
    ['a non-ASCII letter', 'AAAé'],
    ['a character that folds to ASCII', 'AAA\u0130'],
    ['a dot', 'AA.A'],
    ['a NUL', 'AA\u0000A'],
    ['a length no encoding has (4n + 1)', 'AAAAA'],
    ['one character', 'A'],
  ])('refuses %s', (_, text) => {
    expect(fromBase64Url(text)).toBeNull();
  });

  test.prop([
    fc
      .string({ unit: 'binary', minLength: 1, maxLength: 40 })
      .filter((s) => /[^A-Za-z0-9_-]/.test(s)),
  ])('refuses any text with a character outside the alphabet', (text) => {
    expect(fromBase64Url(text)).toBeNull();
  });

  it('decodes the empty string to no bytes', () => {
    expect(fromBase64Url('')).toEqual(new Uint8Array());
  });
});
