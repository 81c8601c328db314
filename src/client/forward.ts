import {
  ACCOUNT_COOKIE,
  ENTITLEMENT_COOKIE,
  READER_COOKIE,
  SIGN_IN_COOKIE,
} from '../contract/cookies';

/** Our cookies, the only ones the service sees: the site's own never leave the site. */
const FORWARDED_COOKIES = [READER_COOKIE, ENTITLEMENT_COOKIE, ACCOUNT_COOKIE, SIGN_IN_COOKIE];

import { FORWARDED_FOR, FORWARDER_KEY } from '../contract/forwarding';
import { PAYWALL_PREFIX } from '../contract/paths';

export interface ForwardOptions {
  base: URL;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Whether a URL is one of the service's own routes (`/_paywall/…`), which a site's
 * middleware hands to the client's `forward` before anything else: the prompt's checkout and
 * portal forms, the way back from Stripe Checkout, and the sign-in pages.
 *
 * @param url - The request's URL, as a string or a `URL`.
 *
 * @example
 * ```ts
 * if (isPaywallPath(request.url)) return paywall.forward(request);
 * ```
 */
export const isPaywallPath = (url: string | URL) =>
  new URL(url).pathname.startsWith(`${PAYWALL_PREFIX}/`);

/** The service takes at most 8 KB from a form; Stripe's webhooks are never forwarded. */
const MAX_FORWARDED_BODY_BYTES = 16 * 1024;
/** Headers a browser sends that the service needs; nothing else of the reader's goes. */
const PASSED = ['accept', 'accept-language', 'content-type', 'origin', 'referer', 'user-agent'];

/**
 * The client's `forward` (documented in client.ts). Sends a `/_paywall/*` request (a prompt
 * form post, the way back from Checkout, the portal, the sign-in pages) on to the service
 * and hands its answer back untouched: redirects are not followed, so the browser follows
 * them on the site's host, and the service's `__Host-` cookies land on the site's own domain.
 * The site's other cookies stay behind; only ours (reader id, entitlement, account, pending
 * sign-in) go to the service. The reader's address goes along, vouched for by the site key, so the service's
 * per-IP limits see readers rather than the site. If the service cannot answer in time: a
 * plain 503.
 */
export async function forwardToService(
  request: Request,
  readerIp: string | undefined,
  options: ForwardOptions,
): Promise<Response> {
  const from = new URL(request.url);
  // Only our routes, and only to the service's own origin: the path is set on a copy of the
  // base, so no path (`//elsewhere/…`) can carry the site key to another host.
  if (!isPaywallPath(from)) return plain(404, 'Not found.');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_FORWARDED_BODY_BYTES) return plain(413, 'Too large.');
  const target = new URL(options.base);
  target.pathname = from.pathname;
  target.search = from.search;
  const headers = new Headers();
  for (const name of PASSED) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const cookie = ourCookies(request.headers.get('cookie'));
  if (cookie) headers.set('cookie', cookie);
  if (readerIp) {
    headers.set(FORWARDED_FOR, readerIp);
    headers.set(FORWARDER_KEY, options.apiKey);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  // Buffered: these are small form posts, and a buffered body needs no `duplex` on Node.
  const body = hasBody ? await request.arrayBuffer() : undefined;
  if (body && body.byteLength > MAX_FORWARDED_BODY_BYTES) return plain(413, 'Too large.');
  try {
    return await options.fetch(target.toString(), {
      method: request.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    const answer = plain(503, 'The subscription service is unavailable. Please try again shortly.');
    answer.headers.set('retry-after', '30');
    return answer;
  }
}

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

function ourCookies(header: string | null): string {
  if (!header) return '';
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => FORWARDED_COOKIES.some((name) => part.startsWith(`${name}=`)))
    .join('; ');
}
