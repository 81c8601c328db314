import { ENTITLEMENT_COOKIE, READER_COOKIE } from '../schemas/cookies';

/**
 * Sends a `/_paywall/*` request (a prompt form post, the way back from Checkout, the portal)
 * on to the service and hands its answer back untouched: redirects are not followed, so the
 * browser follows them on the site's host, and the service's `__Host-` cookies land on the
 * site's own domain. The site's other cookies stay behind; only ours go to the service.
 */
export async function forwardToService(
  request: Request,
  base: URL,
  fetchImpl: typeof fetch,
): Promise<Response> {
  const from = new URL(request.url);
  const target = new URL(`${from.pathname}${from.search}`, base);
  const headers = new Headers();
  for (const name of [
    'accept',
    'accept-language',
    'content-type',
    'origin',
    'referer',
    'user-agent',
  ]) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const cookie = ourCookies(request.headers.get('cookie'));
  if (cookie) headers.set('cookie', cookie);
  headers.set('x-forwarded-host', from.host);
  headers.set('x-forwarded-proto', from.protocol.slice(0, -1));
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  // Buffered: these are small form posts, and a buffered body needs no `duplex` on Node.
  return fetchImpl(target.toString(), {
    method: request.method,
    headers,
    body: hasBody ? await request.arrayBuffer() : undefined,
    redirect: 'manual',
  });
}

function ourCookies(header: string | null): string {
  if (!header) return '';
  return header
    .split(';')
    .map((part) => part.trim())
    .filter(
      (part) => part.startsWith(`${READER_COOKIE}=`) || part.startsWith(`${ENTITLEMENT_COOKIE}=`),
    )
    .join('; ');
}
