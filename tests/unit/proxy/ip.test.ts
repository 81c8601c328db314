import { describe, expect, it } from 'vitest';
import { inCidr, parseCidr, parseIp } from '../../../src/proxy/ip';

describe('IP addresses and CIDRs', () => {
  it('parses CIDRs and addresses strictly', () => {
    const cidr = parseCidr('10.0.0.0/8');
    const ip = parseIp('10.200.1.1');
    expect(cidr && ip && inCidr(ip, cidr)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseIp('256.1.1.1')).toBeNull();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('::1')?.value).toBe(1n);
  });
});
