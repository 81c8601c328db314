import { AppError } from '../errors';

/**
 * Forwards a reader's request to the origin, and only ever to the configured origin. Our own
 * cookies never travel upstream, nor do hop-by-hop headers; the origin learns the original
 * host, scheme and client address.
 */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];
/** Ours never reach the origin: the account and pending sign-in cookies are credentials. */
const OUR_COOKIES = /^__Host-paywall_(rid|ent|acct|signin)$/;

/**
 * Request headers an article or feed fetch may carry. Those answers are walled or stripped
 * and cached at the edge under the URL alone, so nothing the reader sends may change them:
 * no Range/If-Range (a slice of the body skips the wall), no conditional headers (a 304 has
 * no body to wall), no Accept, Accept-Language or X-Original-URL-style headers an origin might
 * vary on (that variant would be cached under the article's URL for everyone).
 */
const ARTICLE_HEADER_ALLOWLIST = ['user-agent', 'accept-encoding'];

export type HeaderPolicy =
  /** Article pages and feeds: the allowlist above, plus the site's own cookies. */
  | 'allowlist'
  /** Pages we never rewrite: everything except hop-by-hop headers and our cookies. */
  | 'pass-through';

/**
 * The upstream URL: the configured origin with the request's path and query set on it, or
 * null when the path would name another host. By the time a request reaches the worker its
 * URL is parsed (backslashes are `/`, dot segments resolved), so `GET /\evil/x`, `GET /..//evil`
 * and `GET //evil` all arrive as a path starting with `//`, which `new URL(path, origin)`
 * reads as another host. Encoded spellings (`%5C`, `%2F%2F`) are refused too: an origin or a
 * cache in front of it that decodes them once sees the same thing. Cloudflare's own URL
 * normalisation is not relied on (zones can turn it off; `wrangler dev` has none).
 */
export function upstreamUrl(requestUrl: string, originUrl: string): URL | null {
  const incoming = new URL(requestUrl);
  if (isHostilePath(incoming.pathname)) return null;
  const origin = new URL(originUrl);
  const target = new URL(origin.origin);
  target.pathname = incoming.pathname;
  target.search = incoming.search;
  // Belt and braces: whatever the path was, the request still goes to the origin.
  if (target.origin !== origin.origin) return null;
  // The spelling the issue names: what a naive `new URL(path, origin)` would have fetched.
  if (new URL(`${incoming.pathname}${incoming.search}`, origin).origin !== origin.origin)
    return null;
  return target;
}

/** Decoding rounds checked, as for returnTo: a path still changing after them is refused. */
const DECODE_ROUNDS = 3;
/** An escaped `/` or `\`: a separator the worker's router does not see and nginx-style origins do. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i;

export function isHostilePath(pathname: string): boolean {
  if (!pathname.startsWith('/') || pathname.startsWith('//')) return true;
  if (pathname.includes('\\') || hasControlCharacter(pathname)) return true;
  // Each round decodes ASCII escapes only (slashes, backslashes, controls); a site's Latin-1
  // or broken escapes (`%E9`, `100%`) are left alone rather than refused. `%2F` and `%5C`
  // anywhere, in any round (`%252F`), are refused: an origin or a cache that decodes them
  // before routing serves `/2026%2F11%2Fstory` as the article `/2026/11/story`, which the
  // classifier here would call an ordinary page and pass through unwalled.
  let current = pathname;
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    if (ENCODED_SEPARATOR.test(current)) return true;
    const decoded = decodeAscii(current);
    if (decoded === current) return false;
    // Once decoded, a second leading slash, a backslash or a control character (tab,
    // newline, NUL) is a host or a header in disguise.
    if (decoded.startsWith('//') || decoded.includes('\\') || hasControlCharacter(decoded))
      return true;
    current = decoded;
  }
  return ENCODED_SEPARATOR.test(current) || decodeAscii(current) !== current;
}

function decodeAscii(text: string): string {
  return text.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function originRequest(
  request: Request,
  originUrl: string,
  policy: HeaderPolicy = 'pass-through',
): Request {
  const incoming = new URL(request.url);
  const target = upstreamUrl(request.url, originUrl);
  if (!target) throw new AppError('invalid_request', 'This path cannot be served.');
  const headers =
    policy === 'allowlist' ? allowlistedHeaders(request.headers) : passThroughRequest(request);
  const cookie = stripOurCookies(request.headers.get('cookie'));
  if (cookie) headers.set('cookie', cookie);
  else headers.delete('cookie');
  headers.set('x-forwarded-host', incoming.host);
  headers.set('x-forwarded-proto', incoming.protocol.replace(':', ''));
  const client = request.headers.get('cf-connecting-ip');
  if (client) headers.set('x-forwarded-for', client);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(target, {
    method: request.method,
    headers,
    body: hasBody ? request.body : null,
    redirect: 'manual',
  });
}

function allowlistedHeaders(incoming: Headers): Headers {
  const headers = new Headers();
  for (const name of ARTICLE_HEADER_ALLOWLIST) {
    const value = incoming.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

function passThroughRequest(request: Request): Headers {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const connectionListed = request.headers.get('connection');
  // Only names that are header names: Headers.delete throws on anything else (`Connection: \\`).
  for (const name of connectionListed?.split(',') ?? []) {
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name.trim())) headers.delete(name.trim());
  }
  return headers;
}

export function stripOurCookies(header: string | null): string {
  if (!header) return '';
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && !OUR_COOKIES.test(part.split('=')[0] ?? ''))
    .join('; ');
}

/** Response headers that must not pass through a rewritten (re-encoded, resized) body. */
export function passThroughHeaders(origin: Headers, rewritten: boolean): Headers {
  const headers = new Headers(origin);
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (rewritten) {
    headers.delete('content-length');
    headers.delete('etag');
    headers.delete('last-modified');
    headers.delete('content-md5');
    headers.delete('content-range');
    headers.delete('accept-ranges');
  }
  return headers;
}
