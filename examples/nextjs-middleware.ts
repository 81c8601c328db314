import {
  createPaywallClient,
  isPaywallPath,
  isPrefetchRequest,
  type PaywallClient,
  withDecision,
} from 'edge-paywall/client';

/**
 * Next.js `middleware.ts`: decides access before the article page renders and hands the
 * decision to the page as request headers. The page renders the whole article only when
 * `x-paywall-access` is `granted`; otherwise the lead (plus the prompt when `denied`, see
 * nextjs-middleware.md). Standard Request/Response only, so it runs on
 * the Edge and the Node.js middleware runtimes alike.
 */
export const config = { matcher: ['/articles/:path*', '/_paywall/:path*'] };

// One client per isolate (Edge) or server process (Node), made on first use, so jose's
// JWKS cache survives between requests: a subscriber costs no call to the service.
let client: PaywallClient | undefined;
function paywall(): PaywallClient {
  const baseUrl = process.env.PAYWALL_URL;
  const apiKey = process.env.PAYWALL_API_KEY;
  if (!baseUrl || !apiKey) throw new Error('Set PAYWALL_URL and PAYWALL_API_KEY.');
  client ??= createPaywallClient({ baseUrl, apiKey });
  return client;
}

export async function middleware(request: Request): Promise<Response> {
  // The prompt's checkout and portal forms post here, on the site's own host.
  if (isPaywallPath(request.url)) return paywall().forward(request, { ip: vouchedIp(request) });

  const url = new URL(request.url);
  const decision = await paywall().decide(
    request,
    { id: url.pathname, url: url.href },
    {
      // Only a real view counts: Next prefetches links in view, and a HEAD or a server
      // action's POST is no new read. Anyone can send a prefetch header, so a read that is
      // not counted is answered with a peek (`x-paywall-access: peek`), which the page
      // renders as the lead only; the navigation that follows counts and shows the article.
      consume: request.method === 'GET' && !isPrefetchRequest(request),
      ip: vouchedIp(request),
    },
  );
  const headers = new Headers(request.headers);
  // `set`, not `append`: a reader sending their own x-paywall-access is overwritten.
  // `granted`, `denied` or `peek`: only `granted` shows the whole article.
  headers.set('x-paywall-access', decision.access);
  headers.set('x-paywall-reason', decision.reason);
  // The meter that ran out, so the page's prompt can say "you have read your 3 free articles".
  if (decision.meter) headers.set('x-paywall-meter', JSON.stringify(decision.meter));
  else headers.delete('x-paywall-meter');
  return withDecision(next(headers), decision);
}

/**
 * Trusted only behind Vercel's proxy, which overwrites x-real-ip. Anywhere else a reader
 * could send it and pose as a verified crawler's IP (or dodge checkout rate limits): return
 * your platform's own vouched-for address, or undefined.
 */
function vouchedIp(request: Request): string | undefined {
  return request.headers.get('x-real-ip') ?? undefined;
}

/**
 * "Continue to the page, with these request headers": the same response that
 * `NextResponse.next({ request: { headers } })` builds (use that in a real app). Next.js
 * reads `x-middleware-next`, then replaces the request's headers with those listed in
 * `x-middleware-override-headers`, each value taken from `x-middleware-request-<name>`.
 * Headers left off the list are removed, so pass the full set, not only the new ones.
 * (Recent versions also percent-encode non-ASCII values, which this skips.)
 */
function next(requestHeaders: Headers): Response {
  const response = new Response(null);
  const names: string[] = [];
  for (const [name, value] of requestHeaders) {
    response.headers.set(`x-middleware-request-${name}`, value);
    names.push(name);
  }
  response.headers.set('x-middleware-override-headers', names.join(','));
  response.headers.set('x-middleware-next', '1');
  return response;
}
