import { isLoopbackHost } from '../loopback';

/**
 * "From this machine", for the dashboard in development when nothing protects it. Two checks,
 * both needed:
 *
 * - The client's address, `CF-Connecting-IP`, is loopback. `wrangler dev` fills it in from the
 *   socket, but only when the client sent none, so it proves nothing on its own; `npm start`
 *   binds to 127.0.0.1, so only this machine can connect at all.
 * - The request's host is a loopback name. A page on another site that rebinds its own name
 *   to 127.0.0.1 (DNS rebinding) makes the developer's browser connect from loopback, but with
 *   that site's name as the host: refused.
 */
export function isLoopbackRequest(clientIp: string | undefined, hostname: string): boolean {
  return clientIp !== undefined && isLoopbackAddress(clientIp) && isLoopbackHost(hostname);
}

/**
 * Whether an address as `CF-Connecting-IP` spells it is loopback: 127.0.0.0/8 (dotted decimal
 * only), `::1`, or 127.0.0.0/8 mapped into IPv6 (`::ffff:127.0.0.1`, as a dual-stack socket
 * reports an IPv4 client). The 127/8 rule is src/loopback.ts's, reached through the URL
 * parser's spelling of the address.
 */
export function isLoopbackAddress(ip: string): boolean {
  if (!ip.includes(':')) return /^[\d.]{7,15}$/.test(ip) && isLoopbackHost(ip);
  // Only hex digits, colons and dots reach the URL parser: no `]`, `%` zone, `/` or `@`.
  if (!/^[\da-f:.]{2,45}$/i.test(ip)) return false;
  let host: string;
  try {
    host = new URL(`http://[${ip}]/`).hostname;
  } catch {
    return false;
  }
  const mapped = /^\[::ffff:([\da-f]{1,4}):([\da-f]{1,4})\]$/.exec(host);
  if (mapped) {
    const high = Number.parseInt(mapped[1] as string, 16);
    const low = Number.parseInt(mapped[2] as string, 16);
    return isLoopbackHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return isLoopbackHost(host);
}
