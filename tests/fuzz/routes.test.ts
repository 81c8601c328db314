import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accept,
  body,
  contentType,
  cookieHeader,
  extraHeaders,
  headersFrom,
  ip,
  jsonJunk,
  maybeString,
  oversized,
} from '../support/arbitraries';
import { harmlessEvent, v1Signature } from '../support/stripe';
import { API_KEY, BASE, withBindings } from '../support/worker';
import { allowedHosts, canaryHits, expectWellFormed, watchingFetches } from './guard';

// Issue 13 item 1: every route of the API under generated requests. Properties: no 5xx,
// every non-2xx JSON answer is the error envelope, and the worker fetches nothing but the
// origin, Redis and Stripe (every fetch from this isolate is recorded; the canary counts).
// Fixed seeds: a failure prints its seed and path and replays exactly.

const SEED = 13_001;
// Its own key prefix: rate-limit windows start empty whatever runs beside this file.
const worker = withBindings({ REDIS_KEY_PREFIX: `pwfuzz-${crypto.randomUUID().slice(0, 12)}:` });
const TIMEOUT = 120_000;

function request(
  method: string,
  path: string,
  parts: {
    body?: string | undefined;
    type?: string | undefined;
    accept?: string | undefined;
    cookie?: string | undefined;
    ip?: string;
    headers?: Record<string, string>;
    auth?: string | undefined;
  },
): Request {
  const headers = headersFrom({
    ...parts.headers,
    'content-type': parts.type,
    accept: parts.accept,
    cookie: parts.cookie,
    'cf-connecting-ip': parts.ip,
    authorization: parts.auth,
  });
  return new Request(`${BASE}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(parts.body !== undefined && method !== 'GET' && method !== 'HEAD'
      ? { body: parts.body }
      : {}),
  });
}

/** Requests generated in this file, printed at the end (the report's inputs count). */
let count = 0;
const statuses = new Map<string, number>();
afterAll(() => {
  // One line: the count, and how many answers per path and status (how deep the inputs got).
  console.log(
    `[fuzz] routes: ${count} generated requests; ${JSON.stringify([...statuses].sort())}`,
  );
});

async function fuzz<T>(
  arb: fc.Arbitrary<T>,
  numRuns: number,
  toRequest: (v: T) => Request | Promise<Request>,
) {
  const before = await canaryHits();
  const { hosts } = await watchingFetches(() =>
    fc.assert(
      fc.asyncProperty(arb, async (v) => {
        const req = await toRequest(v);
        count += 1;
        const response = await worker(req);
        const key = `${new URL(req.url).pathname.slice(0, 40)} ${response.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        await expectWellFormed(response, req.method);
      }),
      { numRuns, seed: SEED },
    ),
  );
  const allowed = allowedHosts();
  expect([...hosts].filter((h) => !allowed.has(h))).toEqual([]);
  expect(await canaryHits()).toBe(before);
}

const common = fc.record({
  body,
  type: contentType,
  accept,
  cookie: cookieHeader(),
  ip,
  headers: extraHeaders,
});

const accessBody = fc.oneof(
  body,
  fc
    .record(
      {
        article: fc.oneof(
          jsonJunk,
          fc.record(
            { id: maybeString, url: maybeString, section: maybeString },
            { requiredKeys: [] },
          ),
        ),
        reader: fc.oneof(
          jsonJunk,
          fc.record(
            {
              id: maybeString,
              token: fc.oneof(maybeString, oversized),
              userId: maybeString,
              account: maybeString,
              ip: fc.oneof(maybeString, fc.ipV4(), fc.ipV6()),
              userAgent: maybeString,
            },
            { requiredKeys: [] },
          ),
        ),
        consume: fc.oneof(fc.boolean(), jsonJunk),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

describe('fuzz: the API routes answer every request without a 5xx, in the envelope', () => {
  it('access: JSON shapes, junk, content types, keys, headers', { timeout: TIMEOUT }, async () => {
    await fuzz(
      fc.record({
        c: common,
        b: accessBody,
        auth: fc.constantFrom(
          `Bearer ${API_KEY}`,
          `Bearer ${API_KEY}`,
          undefined,
          'Bearer x',
          API_KEY,
          'Basic Zm9v',
        ),
      }),
      1500,
      ({ c, b, auth }) => request('POST', '/_paywall/v1/access', { ...c, body: b, auth }),
    );
  });

  it('checkout: forms and JSON', { timeout: TIMEOUT }, async () => {
    const fields = fc
      .record(
        {
          offer: fc.oneof(maybeString, fc.constantFrom('monthly', 'yearly', 'supporter', '')),
          returnTo: fc.oneof(
            maybeString,
            fc.constantFrom('/2026/11/x', '//evil.example', 'javascript:1'),
          ),
          email: maybeString,
          article: maybeString,
        },
        { requiredKeys: [] },
      )
      .chain((d) =>
        fc.constantFrom(
          JSON.stringify(d),
          new URLSearchParams(d as Record<string, string>).toString(),
        ),
      );
    await fuzz(
      fc.record({
        c: common,
        f: fc.oneof(fields, body),
        origin: fc.constantFrom(BASE, 'https://evil.example', undefined),
      }),
      1200,
      ({ c, f, origin }) =>
        request('POST', '/_paywall/v1/checkout', {
          ...c,
          body: f,
          headers: { ...c.headers, ...(origin ? { origin } : {}) },
        }),
    );
  });

  it('portal', { timeout: TIMEOUT }, async () => {
    await fuzz(common, 800, (c) =>
      request('POST', '/_paywall/v1/portal', { ...c, headers: { ...c.headers, origin: BASE } }),
    );
  });

  it('sign-in, verify and sign-out forms', { timeout: TIMEOUT }, async () => {
    const form = fc
      .record(
        {
          email: fc.oneof(maybeString, fc.emailAddress()),
          code: fc.oneof(maybeString, fc.stringMatching(/^[0-9]{6}$/)),
          returnTo: maybeString,
          intent: fc.oneof(maybeString, fc.constantFrom('sign-in', 'restore', 'supporter')),
        },
        { requiredKeys: [] },
      )
      .map((d) => new URLSearchParams(d as Record<string, string>).toString());
    await fuzz(
      fc.record({
        c: common,
        f: fc.oneof(form, body),
        path: fc.constantFrom(
          '/_paywall/v1/sign-in',
          '/_paywall/v1/sign-in/verify',
          '/_paywall/v1/sign-out',
        ),
        origin: fc.constantFrom(BASE, 'https://evil.example', undefined),
      }),
      1500,
      ({ c, f, path, origin }) =>
        request('POST', path, {
          ...c,
          body: f,
          headers: { ...c.headers, ...(origin ? { origin } : {}) },
        }),
    );
  });

  it('the prompt, the sign-in pages and checkout-complete: any query', {
    timeout: TIMEOUT,
  }, async () => {
    const query = fc
      .dictionary(
        fc.constantFrom(
          'article',
          'returnTo',
          'intent',
          'session_id',
          'offer',
          'reason',
          'email',
          'x',
          '',
        ),
        fc.oneof(maybeString, fc.constantFrom('cs_test_x', '/2026/11/a', '//evil.example')),
        { maxKeys: 5 },
      )
      .map((d) => new URLSearchParams(d as Record<string, string>).toString());
    const raw = fc.oneof(
      query,
      fc.constantFrom(
        '%',
        '%zz',
        'a=%',
        '&&&',
        'returnTo=%2F%2Fevil.example',
        `session_id=${'x'.repeat(5000)}`,
      ),
    );
    await fuzz(
      fc.record({
        c: common,
        q: raw,
        path: fc.constantFrom(
          '/_paywall/v1/prompt',
          '/_paywall/checkout/complete',
          '/_paywall/sign-in',
          '/_paywall/sign-in/code',
        ),
      }),
      1500,
      ({ c, q, path }) => request('GET', `${path}?${q}`, c),
    );
  });

  it('stats and the dashboard: date spellings, ranges, granularities, keys and credentials', {
    timeout: TIMEOUT,
  }, async () => {
    // Dates as a hostile client spells them: real, impossible, far, unicode digits, year 0.
    const day = fc.oneof(
      fc.constantFrom(
        '2026-11-30',
        '2026-02-29',
        '2024-02-29',
        '2026-13-01',
        '2026-00-10',
        '0000-01-05',
        '1999-12-31',
        '9999-12-31',
        '２０２６-１１-３０',
        '2026-11-30T00:00:00Z',
        '2026-1-3',
        '+2026-11-30',
        ' 2026-11-30',
        '',
      ),
      fc
        .tuple(
          fc.integer({ min: 0, max: 12_000 }),
          fc.integer({ min: 0, max: 14 }),
          fc.integer({ min: 0, max: 33 }),
        )
        .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
      maybeString,
    );
    // A lone surrogate cannot be percent-encoded (encodeURIComponent throws): as U+FFFD.
    const enc = (x: string) =>
      encodeURIComponent(
        x.replace(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
          '\uFFFD',
        ),
      );
    const param = (name: string, v: fc.Arbitrary<string>) =>
      fc.oneof(
        fc.constant(''),
        v.map((x) => `${name}=${enc(x)}`),
        fc.tuple(v, v).map(([a, b]) => `${name}=${enc(a)}&${name}=${enc(b)}`),
      );
    await fuzz(
      fc.record({
        c: common,
        from: param('from', day),
        to: param('to', day),
        granularity: param(
          'granularity',
          fc.oneof(fc.constantFrom('day', 'week', 'month', 'DAY', 'hour', ''), maybeString),
        ),
        path: fc.constantFrom('/_paywall/v1/stats', '/_paywall/admin'),
        auth: fc.oneof(
          fc.constant(`Bearer ${API_KEY}`),
          fc.constant(undefined),
          fc.constantFrom(
            'Basic Og==',
            `Basic ${'A'.repeat(3000)}`,
            'Bearer',
            `Bearer ${API_KEY} x`,
          ),
          maybeString,
        ),
      }),
      400,
      ({ c, from, to, granularity, path, auth }) =>
        request('GET', `${path}?${[from, to, granularity].filter(Boolean).join('&')}`, {
          ...c,
          auth,
        }),
    );
  });

  it('webhooks: random bodies, valid and invalid signatures and timestamps', {
    timeout: TIMEOUT,
  }, async () => {
    const now = Math.floor(Date.now() / 1000);
    await fuzz(
      fc.record({
        payload: fc.oneof(body, fc.constant(null)),
        skew: fc.constantFrom(0, 0, -10, 299, -301, 301, 100_000, -now),
        secret: fc.constantFrom(
          env.STRIPE_WEBHOOK_SECRET,
          env.STRIPE_WEBHOOK_SECRET,
          'whsec_wrong',
        ),
        header: fc.oneof(
          fc.constant(null),
          fc.constantFrom('', 't=', 'v1=', 't=abc,v1=def', 't=1,v1=', ',,,', 't=1,t=2,v1=00'),
          maybeString,
        ),
        type: contentType,
      }),
      1200,
      async ({ payload, skew, secret, header, type }) => {
        const text = payload ?? harmlessEvent();
        const t = now + skew;
        const signature = header ?? `t=${t},v1=${await v1Signature(text, secret, t)}`;
        return request('POST', '/_paywall/v1/webhooks/stripe', {
          body: text,
          type: type ?? 'application/json',
          headers: { 'stripe-signature': signature },
        });
      },
    );
  });

  it('every path under the prefix and every method', { timeout: TIMEOUT }, async () => {
    await fuzz(
      fc.record({
        c: common,
        method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        path: fc.constantFrom(
          '/_paywall/v1/access',
          '/_paywall/v1/checkout',
          '/_paywall/v1/portal',
          '/_paywall/v1/prompt',
          '/_paywall/v1/sign-in',
          '/_paywall/v1/sign-in/verify',
          '/_paywall/v1/sign-out',
          '/_paywall/v1/webhooks/stripe',
          '/_paywall/checkout/complete',
          '/_paywall/healthz',
          '/_paywall/v1/stats',
          '/_paywall/admin',
          '/_paywall/v1/nope',
          '/_paywall/',
          '/.well-known/jwks.json',
        ),
      }),
      800,
      ({ c, method, path }) => request(method, path, c),
    );
  });
});
