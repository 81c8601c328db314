import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Schema, SchemaArbitraries } from '../support/openapi-arbitraries';
import { type AccessBody, API_KEY, accessRequest, BASE, callWorker } from '../support/worker';

// Issue #13 item 2: requests generated from the served document's own schemas. A valid one
// (the schema accepts it) must not be answered 400/422: a 2xx, or another status the
// operation documents (401/403 without a session, 429, 303 to a page). An invalid one (one
// mutation of a valid one) must be a 400 with the JSON error envelope. Every disagreement is
// listed at the end; there must be none.
//
// Where the document states a rule in prose rather than in the schema (plan ids and amounts
// come from the deployment's OFFERS; returnTo is a same-site path; the e-mail address), the
// valid generator uses this deployment's values for that field: the schema still decides
// the shape, the types and every other field.

const SEED = 13_020;
const VALID_RUNS = 12;
const BASES = 2;

type MediaType = { schema: Schema };
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,16}$/), fc.constantFrom('example.com', 'news.example'))
  .map(([local, domain]) => `${local}@${domain}`);
// The default OFFERS (src/billing/offers.ts), as this suite's worker runs with them.
const returnTo = fc.constantFrom('/', '/2026/11/harbour-lights', '/news?page=2');
const PROSE_RULES: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  createCheckout: {
    plan: fc.constantFrom('monthly', 'yearly'),
    contribution: fc.record({
      amount: fc.integer({ min: 100, max: 100_000 }),
      currency: fc.constant('eur'),
      recurring: fc.boolean(),
    }),
    returnTo,
  },
  'createCheckout form': {
    plan: fc.constantFrom('monthly', 'yearly'),
    amount: fc.integer({ min: 100, max: 100_000 }).map(String),
    customAmount: fc.integer({ min: 1, max: 1000 }).map(String),
    currency: fc.constant('eur'),
    returnTo,
  },
  sendSignInCode: { email, returnTo },
  verifySignInCode: { code: fc.stringMatching(/^\d{6}$/), returnTo },
  eraseAccount: { email },
};
// Where the document lists a 400 for a request its schema cannot tell apart: a code is only
// right for the browser that asked for it (these requests carry no sign-in cookie, so every
// code is "expired, used or replaced"). The 400's description must still say so.
const SEMANTIC_400: Record<string, RegExp> = { verifySignInCode: /wrong code/ };
const proseRules = (operationId: string, media: string) =>
  PROSE_RULES[media === FORM ? `${operationId} form` : operationId] ??
  PROSE_RULES[operationId] ?? { returnTo };

// The Stripe webhook's body is whatever Stripe signed: without Stripe's signature every body
// is refused before it is read (tests/integration/webhook-signatures.test.ts covers it).
const SKIPPED = new Set(['receiveStripeEvent']);

let doc: Doc;
let arbs: SchemaArbitraries;
let cases = 0;
const disagreements: string[] = [];

beforeAll(async () => {
  const response = await callWorker(new Request(`${BASE}/_paywall/openapi.json`));
  doc = (await response.json()) as Doc;
  arbs = new SchemaArbitraries(doc.components.schemas);
  // "The signed reader id the access API answered as `reader.id`": three real ones.
  const ids: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const answer = await callWorker(accessRequest({ article: { id: `openapi-properties-${i}` } }));
    ids.push(((await answer.json()) as AccessBody).reader.id);
  }
  PROSE_RULES.eraseReader = { readerId: fc.constantFrom(...ids) };
});

afterAll(() => {
  console.log(
    `[openapi] properties: ${cases} generated requests, ${disagreements.length} disagreements`,
  );
});

function request(
  path: string,
  method: string,
  op: Operation,
  media: string,
  body: unknown,
): Request {
  const headers = new Headers({ 'content-type': media, accept: JSON_TYPE });
  const needsKey = (op.security ?? []).some((r) => 'siteApiKey' in r);
  if (needsKey) headers.set('authorization', `Bearer ${API_KEY}`);
  // The forms are the prompt's and the sign-in page's, posted by a browser on our origin.
  if (media === FORM) headers.set('origin', BASE);
  const encoded =
    media === FORM
      ? new URLSearchParams(
          Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [
            k,
            String(v),
          ]),
        ).toString()
      : JSON.stringify(body);
  // A 303 is the answer itself, not a page to follow to.
  return new Request(`${BASE}${path}`, {
    method: method.toUpperCase(),
    headers,
    body: encoded,
    redirect: 'manual',
  });
}

/** The error envelope; or, where the operation documents one for a 400, the error page. */
async function isRefusal(response: Response, op: Operation): Promise<boolean> {
  const type = response.headers.get('content-type') ?? '';
  const documented = (op.responses['400'] as { content?: Record<string, unknown> }).content ?? {};
  if (/^text\/html/.test(type) && 'text/html' in documented) {
    return (await response.text()).length > 0;
  }
  if (!/^application\/json/.test(type)) return false;
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  return typeof body.error?.code === 'string' && typeof body.error?.message === 'string';
}

function operations(): [string, string, Operation, string][] {
  const out: [string, string, Operation, string][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (SKIPPED.has(op.operationId)) continue;
      for (const media of Object.keys(op.requestBody?.content ?? {})) {
        if (media === JSON_TYPE || media === FORM) out.push([path, method, op, media]);
      }
    }
  }
  return out;
}

describe('requests generated from the served document', () => {
  it('covers every operation with a JSON or form body', () => {
    const ids = operations().map(([, , op, media]) => `${op.operationId} ${media}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        `decideAccess ${JSON_TYPE}`,
        `createCheckout ${JSON_TYPE}`,
        `createCheckout ${FORM}`,
        `eraseReader ${JSON_TYPE}`,
        `eraseUser ${JSON_TYPE}`,
      ]),
    );
    expect(ids.length).toBeGreaterThanOrEqual(9);
  });

  it('accepts the valid ones and refuses each invalid one with a 400 envelope', async () => {
    for (const [path, method, op, media] of operations()) {
      const schema = (op.requestBody?.content[media] as MediaType | undefined)?.schema ?? {};
      const valid = arbs.validValue(schema, proseRules(op.operationId, media));
      const label = `${op.operationId} (${media})`;
      const samples = fc.sample(valid, { seed: SEED, numRuns: VALID_RUNS }) as Record<
        string,
        unknown
      >[];
      for (const body of samples) {
        cases += 1;
        const response = await callWorker(request(path, method, op, media, body));
        const status = response.status;
        const documented = String(status) in op.responses;
        const semantic = SEMANTIC_400[op.operationId];
        const description = (op.responses['400'] as { description?: string } | undefined)
          ?.description;
        const allowed400 = semantic?.test(description ?? '') === true;
        // A documented 5xx is not "accepted", nor a 401 when the key was sent.
        const sentKey = (op.security ?? []).some((r) => 'siteApiKey' in r);
        const failed = status >= 500 || (status === 401 && sentKey);
        if ((status === 400 && !allowed400) || status === 422 || !documented || failed) {
          const text = (await response.text()).slice(0, 200);
          disagreements.push(
            `${label}: valid ${JSON.stringify(body).slice(0, 200)} → ${status} ${text}`,
          );
        } else await response.body?.cancel();
      }
      for (const base of samples.slice(0, BASES)) {
        const forms = media === FORM;
        for (const { mutation, value } of arbs.invalidValues(schema, base, {
          forms,
          donors: samples,
        })) {
          cases += 1;
          const response = await callWorker(request(path, method, op, media, value));
          if (response.status !== 400 || !(await isRefusal(response, op))) {
            disagreements.push(`${label}: ${mutation} → ${response.status}, not a documented 400`);
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  }, 180_000);
});

// The validator every exchange of the suite goes through (tests/support/openapi-validator.ts):
// it must see a disagreement where there is one. Its dry-run route checks without counting.
describe('the suite-wide OpenAPI validator', () => {
  const validatorUrl = inject('openapiValidatorUrl');
  const check = async (exchange: Record<string, unknown>) => {
    const base = {
      method: 'POST',
      url: `${BASE}/_paywall/v1/access`,
      requestHeaders: [['authorization', `Bearer ${API_KEY}`]],
      status: 200,
      responseHeaders: [['content-type', 'application/json']],
      responseBody: '{}',
    };
    const answer = await fetch(`${validatorUrl}/check`, {
      method: 'POST',
      body: JSON.stringify({ ...base, ...exchange }),
    });
    return (await answer.json()) as { kind: string; problems?: string[] };
  };

  it('refuses what the document does not say, and passes what it does', async () => {
    // tests/global-setup.ts always starts it: a missing address is a broken check, not a skip.
    expect(validatorUrl, 'openapiValidatorUrl not provided').toBeTruthy();
    const access = await callWorker(
      accessRequest({ article: { id: 'openapi-validator-control' } }),
    );
    const body = await access.text();
    expect((await check({ responseBody: body })).problems).toEqual([]);
    // The same answer with a field the schema requires gone, under an undocumented status,
    // without its bearer key, and a wrong method answered 404.
    const broken = JSON.parse(body) as Record<string, unknown>;
    delete broken.meter;
    expect((await check({ responseBody: JSON.stringify(broken) })).problems?.join()).toMatch(
      /must have required property 'meter'/,
    );
    expect((await check({ status: 418, responseBody: body })).problems?.join()).toMatch(
      /status 418 not documented/,
    );
    expect((await check({ requestHeaders: [], responseBody: body })).problems?.join()).toMatch(
      /no bearer key/,
    );
    expect((await check({ method: 'PUT', status: 404 })).problems?.join()).toMatch(/expected 405/);
    expect((await check({ url: `${BASE}/news/story`, status: 418 })).kind).toBe('site');
  });
});
