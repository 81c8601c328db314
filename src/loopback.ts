/**
 * This machine's own host names: local-development conveniences apply to these only. The
 * whole of 127.0.0.0/8 is loopback (RFC 1122), as a URL's `hostname` spells it (dotted
 * decimal: the URL parser turns `127.1` or `0x7f.1` into `127.0.0.1` first).
 */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '[::1]']);
const LOOPBACK_V4 =
  /^127\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_NAMES.has(hostname) || LOOPBACK_V4.test(hostname);
