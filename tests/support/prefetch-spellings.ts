// No workerd imports: the examples (workerd) and the Next.js e2e test (Node) share these.

/**
 * Ways a request can say "I am a prefetch" (issue #10 item 5). Anyone can send any of them,
 * so each must get a peek: not counted, and no paragraph beyond the lead.
 */
export const PREFETCH_SPELLINGS: [label: string, headers: Record<string, string>][] = [
  ['Purpose: prefetch', { purpose: 'prefetch' }],
  ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
  ['Sec-Purpose: prefetch;prerender', { 'sec-purpose': 'prefetch;prerender' }],
  [
    'Sec-Purpose: prefetch; anonymous-client-ip',
    { 'sec-purpose': 'prefetch; anonymous-client-ip' },
  ],
  ['Sec-Purpose: PREFETCH', { 'sec-purpose': 'PREFETCH' }],
  ['Purpose: Prefetch', { purpose: 'Prefetch' }],
  ['Sec-Purpose padded', { 'sec-purpose': '  prefetch  ' }],
  ['X-Purpose: preview', { 'x-purpose': 'preview' }],
  ['X-Moz: prefetch', { 'x-moz': 'prefetch' }],
  ['Next-Router-Prefetch: 1', { 'next-router-prefetch': '1' }],
  ['Next-Router-Prefetch: 0', { 'next-router-prefetch': '0' }],
  ['Next-Router-Segment-Prefetch', { 'next-router-segment-prefetch': '/_tree' }],
  ['X-Middleware-Prefetch: 1', { 'x-middleware-prefetch': '1' }],
  ['RSC with Next-Router-Prefetch', { rsc: '1', 'next-router-prefetch': '1' }],
  ['Purpose and Sec-Purpose', { purpose: 'prefetch', 'sec-purpose': 'prefetch' }],
  ['Sec-Purpose: prerender alone', { 'sec-purpose': 'prerender' }],
];

/**
 * Near misses and other headers a reader can send. Whatever the example makes of them, the
 * rule holds: the whole article only on a read that was counted.
 */
export const OTHER_SPELLINGS: [label: string, headers: Record<string, string>][] = [
  ['no header', {}],
  ['Purpose: prefetched', { purpose: 'prefetched' }],
  ['Purpose: pre-fetch', { purpose: 'pre-fetch' }],
  ['X-Purpose: prefetchy', { 'x-purpose': 'prefetchy' }],
  ['Sec-Purpose empty', { 'sec-purpose': '' }],
  ['RSC: 1 (a client navigation)', { rsc: '1' }],
  ['Sec-Fetch-Dest: document', { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' }],
  ['X-Paywall-Access: granted', { 'x-paywall-access': 'granted' }],
  ['Paywall-Decision: granted', { 'paywall-decision': 'granted; reason=subscriber' }],
];
