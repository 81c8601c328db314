import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { accept, extraHeaders, headersFrom, method } from '../support/arbitraries';
import { BASE, withBindings } from '../support/worker';
import { expectWellFormed } from './guard';

// Issue 13 item 1, through @fast-check/vitest's `test.prop` (it runs in workerd as plain
// fast-check does): the health check and the JWKS, any method and headers, and what the
// checkout-complete page makes of any session id.

const worker = withBindings({ REDIS_KEY_PREFIX: `pwfuzz-${crypto.randomUUID().slice(0, 12)}:` });

test.prop(
  [
    fc.constantFrom(
      '/_paywall/healthz',
      '/.well-known/jwks.json',
      '/_paywall/healthz/',
      '/.well-known/jwks.json/',
    ),
    method,
    extraHeaders,
    accept,
  ],
  { numRuns: 300, seed: 13_004 },
)(
  'health and JWKS: any method and headers, no 5xx, the envelope',
  async (path, m, extra, acc) => {
    const request = new Request(`${BASE}${path}`, {
      method: m.toUpperCase(),
      headers: headersFrom({ ...extra, accept: acc }),
    });
    const response = await worker(request);
    await expectWellFormed(response, request.method);
    if (m.toUpperCase() === 'GET' && !path.endsWith('/')) expect(response.status).toBe(200);
  },
  120_000,
);

test.prop(
  [
    fc.oneof(
      fc.stringMatching(/^cs_test_[A-Za-z0-9]{1,60}$/),
      fc.string({ maxLength: 300 }),
      fc.constantFrom('', 'cs_', 'cs_test_', '{CHECKOUT_SESSION_ID}'),
    ),
    fc.option(fc.constantFrom('/2026/11/a', '//evil.example', 'javascript:alert(1)'), {
      nil: undefined,
    }),
  ],
  { numRuns: 300, seed: 13_005 },
)(
  'checkout-complete: any session id',
  async (sessionId, returnTo) => {
    const query = new URLSearchParams({ session_id: sessionId, ...(returnTo ? { returnTo } : {}) });
    const response = await worker(
      new Request(`${BASE}/_paywall/checkout/complete?${query}`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      }),
    );
    await expectWellFormed(response);
  },
  120_000,
);
