/**
 * IP addresses and CIDR ranges as numbers (IPv4 as 32-bit, IPv6 as 128-bit BigInt), for
 * verifying crawlers by their published ranges. Pure; no DNS, no network.
 */
export interface Cidr {
  v: 4 | 6;
  base: bigint;
  bits: number;
}

export function parseIp(text: string): { v: 4 | 6; value: bigint } | null {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === null ? null : { v: 6, value };
  }
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return { v: 4, value };
}

function parseIPv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split('::').length > 2) return null;
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return value;
}

export function parseCidr(text: string): Cidr | null {
  const [addr = '', bitsText] = text.split('/');
  const ip = parseIp(addr);
  const width = ip?.v === 6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!ip || !Number.isInteger(bits) || bits < 0 || bits > width) return null;
  return { v: ip.v, base: ip.value >> BigInt(width - bits), bits };
}

export function inCidr(ip: { v: 4 | 6; value: bigint }, cidr: Cidr): boolean {
  if (ip.v !== cidr.v) return false;
  const width = ip.v === 6 ? 128 : 32;
  return ip.value >> BigInt(width - cidr.bits) === cidr.base;
}
