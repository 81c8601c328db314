import { describe, expect, it } from 'vitest';
import { presentedKey } from '../../../src/admin/auth-credentials';
import { isLoopbackAddress, isLoopbackRequest } from '../../../src/admin/auth-loopback';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('presentedKey', () => {
  it.each([
    ['Bearer abc', { ok: true, key: 'abc' }],
    ['BEARER abc', { ok: true, key: 'abc' }],
    [`Basic ${b64('user:pa ss:word')}`, { ok: true, key: 'pa ss:word' }],
    [`basic ${b64(':')}`, { ok: true, key: '' }],
    [`Basic ${b64('u:kk').replace(/=+$/, '')}`, { ok: false, failure: 'malformed' }],
    [`Basic  ${b64('u:k')}`, { ok: false, failure: 'malformed' }],
    [`Basic ${b64('u:k')} `, { ok: false, failure: 'malformed' }],
    ['Basic', { ok: false, failure: 'malformed' }],
    ['Basic ', { ok: false, failure: 'malformed' }],
    ['Bearer', { ok: false, failure: 'malformed' }],
    ['Bearer ', { ok: false, failure: 'malformed' }],
    ['Bearer a b', { ok: false, failure: 'malformed' }],
    ['Bearer clé', { ok: false, failure: 'malformed' }],
    ['Bearerabc', { ok: false, failure: 'other_scheme' }],
    ['Token abc', { ok: false, failure: 'other_scheme' }],
    ['', { ok: false, failure: 'missing' }],
    [undefined, { ok: false, failure: 'missing' }],
  ])('%j', (header, expected) => {
    expect(presentedKey(header)).toEqual(expected);
  });

  it('reads a Basic password in UTF-8, and refuses bytes that are not', () => {
    expect(presentedKey(`Basic ${b64('rédaction:clé-secrète')}`)).toEqual({
      ok: true,
      key: 'clé-secrète',
    });
    const latin1 = Buffer.from('u:cl\xe9', 'latin1').toString('base64');
    expect(presentedKey(`Basic ${latin1}`)).toEqual({ ok: false, failure: 'malformed' });
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::FFFF:127.1.2.3',
    '::ffff:7f00:1',
  ])('%s is loopback', (ip) => {
    expect(isLoopbackAddress(ip)).toBe(true);
  });

  it.each([
    '',
    'unknown',
    'localhost',
    '127.1',
    '127.0.0.1.',
    '0x7f.0.0.1',
    '128.0.0.1',
    '10.0.0.1',
    '::',
    '::2',
    '::ffff:10.0.0.1',
    '::ffff:128.0.0.1',
    '64:ff9b::127.0.0.1',
    '::1%lo',
    '::1]@127.0.0.1',
    '[::1]',
    '127.0.0.1, 10.0.0.1',
  ])('%j is not', (ip) => {
    expect(isLoopbackAddress(ip)).toBe(false);
  });
});

describe('isLoopbackRequest', () => {
  it('needs a loopback address and a loopback host name', () => {
    expect(isLoopbackRequest('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(isLoopbackRequest('::1', 'localhost')).toBe(true);
    expect(isLoopbackRequest('127.0.0.1', 'news.example')).toBe(false);
    expect(isLoopbackRequest('203.0.113.9', '127.0.0.1')).toBe(false);
    expect(isLoopbackRequest(undefined, '127.0.0.1')).toBe(false);
  });
});
