import { describe, expect, it } from 'vitest';
import { rateLimitKeyForIp, rateLimitNetworkKeyForIp } from '../../../src/billing/rate-limit-key';

// Hostile spellings: each row must land on the key of the canonical address, so stepping to
// the next address in a /64, or respelling the same one, never buys a fresh budget.
const V6 = '6:2001:0db8:0000:0001::/64';
const V4 = '4:192.0.2.7';

describe('rate-limit key: one key per IPv4 address and per IPv6 /64', () => {
  it.each([
    ['canonical', '2001:db8:0:1::1'],
    ['the next address in the /64', '2001:db8:0:1::2'],
    ['the last address in the /64', '2001:db8:0:1:ffff:ffff:ffff:ffff'],
    ['upper case', '2001:DB8:0:1::ABCD'],
    ['mixed case', '2001:Db8:0:1:0:0:0:aB'],
    ['leading zeros', '2001:0db8:0000:0001:0000:0000:0000:0001'],
    ['fully expanded, no ::', '2001:db8:0:1:0:0:0:1'],
    [':: in the middle of the interface id', '2001:db8:0:1:1::1'],
    [':: at the end', '2001:db8:0:1::'],
    ['a zone id', '2001:db8:0:1::1%eth0'],
    ['a numeric zone id', '2001:db8:0:1::1%25'],
    ['brackets', '[2001:db8:0:1::1]'],
    ['brackets and a zone', '[2001:db8:0:1::1%en0]'],
    ['surrounding spaces', '  2001:db8:0:1::1 '],
    ['an embedded dotted IPv4 tail', '2001:db8:0:1::192.0.2.1'],
    ['privacy extension random interface id', '2001:db8:0:1:8c4e:2fff:fe11:9a3b'],
  ])('%s: %s', (_, spelling) => {
    expect(rateLimitKeyForIp(spelling)).toBe(V6);
  });

  it.each([
    ['dotted', '192.0.2.7'],
    ['IPv4-mapped', '::ffff:192.0.2.7'],
    ['IPv4-mapped, upper case', '::FFFF:192.0.2.7'],
    ['IPv4-mapped in hex', '::ffff:c000:207'],
    ['IPv4-mapped fully expanded', '0:0:0:0:0:ffff:192.0.2.7'],
    ['IPv4-mapped with leading zeros', '0000:0000:0000:0000:0000:FFFF:C000:0207'],
    ['IPv4-mapped in brackets', '[::ffff:192.0.2.7]'],
    ['leading zeros in octets', '192.000.002.007'],
    ['surrounding spaces', ' 192.0.2.7 '],
  ])('%s: %s is the IPv4 address', (_, spelling) => {
    expect(rateLimitKeyForIp(spelling)).toBe(V4);
  });

  it.each([
    ['another /64 in the same /48', '2001:db8:0:2::1', '6:2001:0db8:0000:0002::/64'],
    ['another IPv4 address', '192.0.2.8', '4:192.0.2.8'],
    ['loopback', '::1', '6:0000:0000:0000:0000::/64'],
  ])('%s stays apart: %s', (_, spelling, key) => {
    expect(rateLimitKeyForIp(spelling)).toBe(key);
    expect(rateLimitKeyForIp(spelling)).not.toBe(V6);
  });

  it.each([
    ['two ::', '2001::db8::1'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['seven groups, no ::', '1:2:3:4:5:6:7'],
    ['a group too long', '2001:db8:0:1::12345'],
    ['not hex', '2001:db8:0:1::g'],
    ['an octet too large', '192.0.2.256'],
    ['three octets', '192.0.2'],
    ['a host name', 'example.com'],
    ['an IPv4 tail that is not one', '::ffff:192.0.2'],
    ['script', '<script>'],
  ])('junk shares one key: %s', (_, spelling) => {
    expect(rateLimitKeyForIp(spelling)).toBe('invalid');
  });

  it('no address at all is its own single key', () => {
    expect(rateLimitKeyForIp('unknown')).toBe('unknown');
    expect(rateLimitKeyForIp('')).toBe('unknown');
  });
});

// The per-network key: one budget per IPv6 /48, so an attacker stepping through the 65,536
// /64s of one /48 (each under the per-address limit) still spends one budget.
const NET = '6:2001:0db8:00a0::/48';

describe('network rate-limit key: one key per IPv6 /48, per IPv4 address', () => {
  it.each([
    ['canonical', '2001:db8:a0::1'],
    ['another /64 of the /48', '2001:db8:a0:1::1'],
    ['the last /64 of the /48', '2001:db8:a0:ffff::1'],
    ['the last address of the /48', '2001:db8:a0:ffff:ffff:ffff:ffff:ffff'],
    ['the /48 itself', '2001:db8:a0::'],
    ['upper case', '2001:DB8:A0:BEEF::ABCD'],
    ['leading zeros', '2001:0db8:00a0:0001:0000:0000:0000:0001'],
    ['fully expanded, no ::', '2001:db8:a0:7:0:0:0:1'],
    [':: after the /48', '2001:db8:a0::7:0:0:1'],
    [':: inside the /64 part', '2001:db8:a0:7:1::1'],
    ['a zone id', '2001:db8:a0:2::1%eth0'],
    ['brackets and a zone', '[2001:db8:a0:3::1%en0]'],
    ['surrounding spaces', ' 2001:db8:a0:4::1 '],
    ['an embedded dotted IPv4 tail', '2001:db8:a0:5::192.0.2.1'],
    ['privacy extension random interface id', '2001:db8:a0:6:8c4e:2fff:fe11:9a3b'],
  ])('%s: %s', (_, spelling) => {
    expect(rateLimitNetworkKeyForIp(spelling)).toBe(NET);
  });

  it.each([
    ['the neighbouring /48 below', '2001:db8:9f:ffff::1', '6:2001:0db8:009f::/48'],
    ['the neighbouring /48 above', '2001:db8:a1::1', '6:2001:0db8:00a1::/48'],
    ['another /32', '2001:db9:a0::1', '6:2001:0db9:00a0::/48'],
    ['loopback', '::1', '6:0000:0000:0000::/48'],
    [
      'an IPv4-compatible-looking address that is not mapped',
      '::192.0.2.7',
      '6:0000:0000:0000::/48',
    ],
  ])('%s stays apart: %s', (_, spelling, key) => {
    expect(rateLimitNetworkKeyForIp(spelling)).toBe(key);
    expect(rateLimitNetworkKeyForIp(spelling)).not.toBe(NET);
  });

  it.each([
    ['dotted', '192.0.2.7', V4],
    ['IPv4-mapped', '::ffff:192.0.2.7', V4],
    ['IPv4-mapped in hex', '::ffff:c000:207', V4],
    ['IPv4-mapped, upper case and expanded', '0:0:0:0:0:FFFF:C000:0207', V4],
    ['IPv4-mapped in brackets', '[::ffff:192.0.2.7]', V4],
    ['leading zeros in octets', '192.000.002.007', V4],
    // Not a /24: an office, a campus or a carrier-grade NAT is many readers.
    ['the next IPv4 address is another network', '192.0.2.8', '4:192.0.2.8'],
    ['the same /24, mapped', '::ffff:192.0.2.9', '4:192.0.2.9'],
  ])('IPv4, %s: %s', (_, spelling, key) => {
    expect(rateLimitNetworkKeyForIp(spelling)).toBe(key);
    expect(rateLimitNetworkKeyForIp(spelling)).toBe(rateLimitKeyForIp(spelling));
  });

  it.each([
    ['two ::', '2001::db8::1', 'invalid'],
    ['nine groups', '1:2:3:4:5:6:7:8:9', 'invalid'],
    ['a group too long', '2001:db8:a0::12345', 'invalid'],
    ['not hex', '2001:db8:a0::g', 'invalid'],
    ['a host name', 'example.com', 'invalid'],
    ['empty', '', 'unknown'],
    ['unknown', 'unknown', 'unknown'],
  ])('junk shares one key: %s', (_, spelling, key) => {
    expect(rateLimitNetworkKeyForIp(spelling)).toBe(key);
  });
});
