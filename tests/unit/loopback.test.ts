import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/loopback';

// What counts as this machine (the client's plain-http exception, development's site origins).
describe('isLoopbackHost', () => {
  it.each(['localhost', '[::1]', '127.0.0.1', '127.0.0.2', '127.255.255.255'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    '128.0.0.1',
    '127.0.0.256',
    '127.0.0',
    '127.0.0.1.evil.example',
    'evil127.0.0.1',
    '0.0.0.0',
    '10.0.0.1',
    'localhost.evil.example',
    '[::2]',
    '',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('a URL spells every 127/8 address so before it is checked', () => {
    for (const url of ['http://127.1:80/', 'http://0x7f.0.0.2/', 'http://2130706434/']) {
      expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
    }
    expect(isLoopbackHost(new URL('http://0x80.0.0.1/').hostname)).toBe(false);
  });
});
