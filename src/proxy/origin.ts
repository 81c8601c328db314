/**
 * Forwards a reader's request to the origin. Our own cookies never travel upstream, nor do
 * hop-by-hop headers; the origin learns the original host, scheme and client address.
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
const OUR_COOKIES = /^__Host-paywall_(rid|ent)$/;

export function originRequest(request: Request, originUrl: string): Request {
  const incoming = new URL(request.url);
  const target = new URL(`${incoming.pathname}${incoming.search}`, originUrl);
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const connectionListed = request.headers.get('connection');
  for (const name of connectionListed?.split(',') ?? []) headers.delete(name.trim());
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
  }
  return headers;
}
