/**
 * The per-address rate-limit key for a client IP. Every IPv6 address in one `/64` is one
 * key: a single subscriber line is handed at least a /64, so counting each address apart
 * would hand one reader 2^64 fresh budgets. Every spelling of the same address (upper or
 * lower case, leading zeros, `::` anywhere, a zone id, brackets, IPv4-mapped
 * `::ffff:1.2.3.4` or its hex form) lands on the same key; IPv4-mapped addresses count as the
 * IPv4 address they carry. Anything that is not an address shares one `invalid` key, so junk
 * never mints fresh budgets either. Pure.
 */
export function rateLimitKeyForIp(raw: string): string {
  const ip = parseClientIp(raw);
  if (ip.kind !== 'v6') return ipv4OrJunkKey(ip);
  return `6:${hexGroups(ip.groups, 4)}::/64`;
}

/**
 * The per-network rate-limit key: every IPv6 address in one `/48` is one key. A /48 is what
 * one site (a home, an office, a cloud tenant, a free tunnel-broker account) is handed, so
 * stepping through its 65,536 /64s, each under the per-address limit, still spends one
 * budget. An IPv4 address is its own network: a /24 would lump an office, a university or a
 * carrier-grade NAT's thousands of readers into one budget. Spellings, IPv4-mapped addresses
 * and junk are treated as in `rateLimitKeyForIp`. Pure.
 */
export function rateLimitNetworkKeyForIp(raw: string): string {
  const ip = parseClientIp(raw);
  if (ip.kind !== 'v6') return ipv4OrJunkKey(ip);
  return `6:${hexGroups(ip.groups, 3)}::/48`;
}

type ClientIp =
  | { kind: 'v4'; bytes: number[] }
  | { kind: 'v6'; groups: number[] }
  | { kind: 'unknown' }
  | { kind: 'invalid' };

/** One address in any spelling; an IPv4-mapped IPv6 address is the IPv4 address it carries. */
function parseClientIp(raw: string): ClientIp {
  const text = raw.trim().toLowerCase();
  if (text === '' || text === 'unknown') return { kind: 'unknown' };
  const v4 = parseIPv4(text);
  if (v4) return { kind: 'v4', bytes: v4 };
  const v6 = parseIPv6(text);
  if (!v6) return { kind: 'invalid' };
  if (isIPv4Mapped(v6)) {
    const [, , , , , , hi = 0, lo = 0] = v6;
    return { kind: 'v4', bytes: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff] };
  }
  return { kind: 'v6', groups: v6 };
}

function ipv4OrJunkKey(ip: Exclude<ClientIp, { kind: 'v6' }>): string {
  return ip.kind === 'v4' ? `4:${ip.bytes.join('.')}` : ip.kind;
}

function hexGroups(groups: number[], count: number): string {
  return groups
    .slice(0, count)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join(':');
}

/** Dotted decimal, each part 0-255; leading zeros read as decimal (as Cloudflare never sends them). */
function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** Eight 16-bit groups, or null. Accepts `[…]`, a `%zone`, `::` and a trailing dotted IPv4. */
function parseIPv6(input: string): number[] | null {
  let text = input;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(text) || text.split('::').length > 2) return null;

  // A trailing dotted IPv4 (`::ffff:1.2.3.4`) stands for the last two groups.
  let tailGroups: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4 || lastColon === -1) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    tailGroups = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, lastColon + 1);
    // "…:" left over: keep a "::" intact, otherwise drop the separator.
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }

  const [head = '', tail] = text.split('::');
  const group = (g: string) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN);
  const left = head ? head.split(':').map(group) : [];
  const right = [...(tail ? tail.split(':').map(group) : []), ...tailGroups];
  if (tail === undefined) {
    const all = [...left, ...tailGroups];
    return all.length === 8 && all.every(Number.isFinite) ? all : null;
  }
  const missing = 8 - left.length - right.length;
  if (missing < 1) return null;
  const all = [...left, ...new Array<number>(missing).fill(0), ...right];
  return all.every(Number.isFinite) ? all : null;
}

/** `::ffff:a.b.c.d`: an IPv4 client seen through a dual-stack socket. */
function isIPv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}
