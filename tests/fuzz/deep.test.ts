import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, extraHeaders, headersFrom, ip, maybeString } from '../support/arbitraries';
import { isolatedWorker } from '../support/isolated-stripe';
import { API_KEY, BASE } from '../support/worker';
import { allowedHosts, canaryHits, expectWellFormed, watchingFetches } from './guard';

// Issue 13 item 1, past validation: requests that are well-formed on the outside (right key,
// content type and Origin) with fuzzed fields inside, so the generated inputs reach Redis,
// Stripe and the mailer rather than stopping at a 400. Same properties as routes.test.ts,
// plus the meter's: one reader is never granted more distinct articles than the limit.

const SEED = 13_002;
const LIMIT = 3;
// Its own Stripe account and key prefix (tests/support/isolated-stripe.ts): the sessions the
// generated checkouts create and the rate-limit windows they fill are this file's alone.
let worker: (request: Request) => Promise<Response>;
beforeAll(async () => {
  worker = (await isolatedWorker({ meter: { limit: LIMIT } })).fetcher;
});
const TIMEOUT = 120_000;
let count = 0;
const statuses = new Map<string, number>();
afterAll(() =>
  console.log(
    `[fuzz] deep: ${count} generated requests; statuses ${JSON.stringify([...statuses].sort())}`,
  ),
);

async function send(request: Request): Promise<{ response: Response; text: string }> {
  count += 1;
  const response = await worker(request);
  const key = `${new URL(request.url).pathname} ${response.status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const copy = response.clone();
  await expectWellFormed(response, request.method);
  return { response: copy, text: await copy.text() };
}

async function guarded(run: () => Promise<void>) {
  const before = await canaryHits();
  const { hosts } = await watchingFetches(run);
  const allowed = allowedHosts();
  expect([...hosts].filter((h) => !allowed.has(h))).toEqual([]);
  // The watch itself works: the worker's own Redis calls went through it.
  expect(hosts.has(new URL(env.UPSTASH_REDIS_REST_URL).host)).toBe(true);
  expect(await canaryHits()).toBe(before);
}

const articleIdArb = fc.stringMatching(/^[a-z0-9/_.~%-]{1,40}$/);

/** The JSON caller's spelling of the same fields: a contribution is an object in minor units. */
function asJson(fields: Record<string, string | undefined>): Record<string, unknown> {
  const { contribution, currency, recurring, amount: _amount, ...rest } = fields;
  if (contribution === undefined) return rest;
  return {
    ...rest,
    contribution: {
      amount: Math.round(Number(contribution) * 100),
      currency,
      recurring: recurring === 'monthly',
    },
  };
}

describe('fuzz past validation', () => {
  it('access: valid shapes with fuzzed readers; the meter grants at most the limit', {
    timeout: TIMEOUT,
  }, async () => {
    await guarded(async () => {
      // One reader, fixed: every grant it receives counts against the same meter.
      const first = await send(
        new Request(`${BASE}/_paywall/v1/access`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ article: { id: `fuzz/${crypto.randomUUID()}` }, consume: false }),
        }),
      );
      const readerId = (JSON.parse(first.text) as { reader: { id: string } }).reader.id;
      const granted = new Set<string>();
      const pool = Array.from(
        { length: 12 },
        (_, i) => `fuzz-${crypto.randomUUID().slice(0, 8)}/a${i}`,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            article: fc.oneof(fc.constantFrom(...pool), articleIdArb),
            own: fc.boolean(),
            reader: fc.record(
              {
                token: maybeString,
                userId: fc.stringMatching(/^[a-z0-9]{1,20}$/),
                account: maybeString,
                ip: fc.oneof(fc.ipV4(), fc.ipV6()),
                userAgent: fc.stringMatching(/^[\x20-\x7e]{0,100}$/),
              },
              { requiredKeys: [] },
            ),
            consume: fc.boolean(),
            url: fc.option(fc.webUrl(), { nil: undefined }),
          }),
          async (v) => {
            const reader = v.own ? { ...v.reader, id: readerId, userId: undefined } : v.reader;
            const { response, text } = await send(
              new Request(`${BASE}/_paywall/v1/access`, {
                method: 'POST',
                headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
                body: JSON.stringify({
                  article: { id: v.article, ...(v.url ? { url: v.url } : {}) },
                  reader,
                  consume: v.consume,
                }),
              }),
            );
            if (response.status === 200 && v.own) {
              const body = JSON.parse(text) as {
                access: string;
                reason: string;
                reader: { id: string };
              };
              if (body.access === 'granted' && body.reason === 'metered') granted.add(v.article);
              expect(granted.size).toBeLessThanOrEqual(LIMIT);
            }
          },
        ),
        { numRuns: 1200, seed: SEED },
      );
      // The property can fail: the reader did reach its limit during the run.
      expect(granted.size).toBe(LIMIT);
    });
  });

  it('checkout: forms from our origin and JSON with the key, fuzzed fields', {
    timeout: TIMEOUT,
  }, async () => {
    await guarded(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            // A plan, or a contribution: mostly valid, the rest fuzzed.
            fc.record(
              {
                plan: fc.oneof(
                  fc.constantFrom('monthly', 'monthly', 'yearly', 'lifetime', ''),
                  maybeString,
                ),
                returnTo: fc.oneof(
                  fc.constantFrom('/2026/11/a', '/2026/11/a', '//evil.example', '/\\evil'),
                  maybeString,
                ),
                readerId: maybeString,
              },
              { requiredKeys: ['plan'] },
            ),
            fc.record(
              {
                contribution: fc.constantFrom('12', '12.50', '5', '0', '1e3', ''),
                currency: fc.constantFrom('eur', 'eur', 'usd', 'gbp', 'xxx', 'EUR'),
                recurring: fc.constantFrom('monthly', 'once', 'weekly', ''),
                returnTo: fc.constantFrom('/2026/11/a', 'https://evil.example'),
              },
              { requiredKeys: ['contribution'] },
            ),
            fc.record(
              {
                plan: fc.oneof(fc.constantFrom('monthly', 'lifetime', ''), maybeString),
                amount: fc.oneof(
                  fc.constantFrom('500', '0', '999999999', '-1', '5.5'),
                  maybeString,
                ),
                contribution: fc.constantFrom('12', '12.50', '0', '1e3', ''),
                currency: fc.constantFrom('eur', 'usd', 'gbp', 'xxx', 'EUR', ''),
                recurring: fc.constantFrom('monthly', 'once', 'weekly', ''),
                returnTo: maybeString,
              },
              { requiredKeys: [] },
            ),
          ),
          fc.boolean(),
          ip,
          accept,
          async (fields, json, addr, acc) => {
            const headers = headersFrom({
              'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
              ...(json ? { authorization: `Bearer ${API_KEY}` } : { origin: BASE }),
              'cf-connecting-ip': addr,
              accept: acc,
            });
            const body = json
              ? JSON.stringify(asJson(fields))
              : new URLSearchParams(fields as Record<string, string>).toString();
            await send(
              new Request(`${BASE}/_paywall/v1/checkout`, {
                method: 'POST',
                headers,
                body,
                redirect: 'manual',
              }),
            );
          },
        ),
        { numRuns: 500, seed: SEED },
      ),
    );
  });

  it('sign-in: well-formed forms from our origin, any address, code and cookie', {
    timeout: TIMEOUT,
  }, async () => {
    await guarded(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.emailAddress(),
            fc.stringMatching(/^[a-z0-9._+-]{1,20}$/).map((l) => `${l}@example.com`),
            maybeString,
          ),
          fc.oneof(fc.stringMatching(/^[0-9]{6}$/), maybeString),
          fc.constantFrom(
            '/_paywall/v1/sign-in',
            '/_paywall/v1/sign-in/verify',
            '/_paywall/v1/sign-out',
          ),
          ip,
          extraHeaders,
          fc.option(fc.stringMatching(/^[A-Za-z0-9._~-]{0,120}$/), { nil: undefined }),
          async (email, code, path, addr, extra, signin) => {
            const headers = headersFrom({
              ...extra,
              'content-type': 'application/x-www-form-urlencoded',
              origin: BASE,
              accept: 'text/html',
              'cf-connecting-ip': addr,
              cookie: signin === undefined ? undefined : `__Host-paywall_signin=${signin}`,
            });
            const body = new URLSearchParams({ email, code, returnTo: '/2026/11/x' }).toString();
            await send(
              new Request(`${BASE}${path}`, { method: 'POST', headers, body, redirect: 'manual' }),
            );
          },
        ),
        { numRuns: 600, seed: SEED },
      ),
    );
  });
});
