/**
 * Headers with which browsers and frameworks mark a request made ahead of a navigation:
 * `Sec-Purpose: prefetch` (and `prefetch;prerender`, Chromium's speculation rules),
 * `Purpose: prefetch` (older Chromium and `<link rel=prefetch>`), `X-Purpose: preview`
 * (Safari), `X-Moz: prefetch` (Firefox), and Next.js's router prefetches.
 */
const PURPOSE_HEADERS = ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'];
const ROUTER_PREFETCH_HEADERS = [
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'x-middleware-prefetch',
];
const SPECULATIVE = /(?:^|[\s,;])(?:prefetch|prerender|preview)(?:$|[\s,;=])/i;

/**
 * Whether the request says it is a prefetch, so it need not count as a read. Anyone can
 * send these headers, so this is only ever a reason to count less and show less: decide with
 * `consume: false`, which answers a peek, and render the lead paragraphs only. The real
 * navigation then counts and shows the article.
 *
 * @param request - The reader's request.
 * @returns `true` for `Sec-Purpose`/`Purpose: prefetch` (or `prerender`), `X-Purpose:
 *   preview`, `X-Moz: prefetch`, and Next.js's router prefetch headers.
 *
 * @example
 * ```ts
 * const decision = await paywall.decide(
 *   request,
 *   { id: url.pathname },
 *   // A HEAD or a prefetch is no new read: it counts nothing and is answered with a peek.
 *   { consume: request.method === 'GET' && !isPrefetchRequest(request) },
 * );
 * ```
 */
export function isPrefetchRequest(request: Request): boolean {
  const h = request.headers;
  if (ROUTER_PREFETCH_HEADERS.some((name) => h.has(name))) return true;
  return PURPOSE_HEADERS.some((name) => SPECULATIVE.test(h.get(name) ?? ''));
}
