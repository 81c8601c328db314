import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { MAX_TOKEN_FIELD_LENGTH } from '../../src/schemas/access';
import type { Services } from '../../src/services';
import { API_KEY, accessRequest, BASE, callWorker, withBindings } from '../support/worker';

type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: unknown;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

// Every route the app serves, read from the app itself (method + path), so a new route
// cannot be forgotten here. The docs routes and the catch-alls (404 under /_paywall, the
// proxy) are not API operations.
const NOT_OPERATIONS = new Set([
  '/_paywall/openapi.json',
  '/_paywall/docs',
  '/_paywall/docs/*',
  '/_paywall/*',
  '/*',
  '*',
]);
const ROUTES: [string, string][] = [
  ...new Set(
    createApp({} as Services)
      .routes.filter((r) => r.method !== 'ALL' && !NOT_OPERATIONS.has(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path}`),
  ),
].map((route) => route.split(' ') as [string, string]);

describe('GET /_paywall/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route with its schemas and the error envelope', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/openapi.json`));
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    // The app's own list, checked against what we know it serves (including the newest route).
    expect(ROUTES).toContainEqual(['post', '/_paywall/v1/access']);
    expect(ROUTES).toContainEqual(['get', '/_paywall/v1/prompt']);
    expect(ROUTES).toContainEqual(['get', '/.well-known/jwks.json']);
    expect(ROUTES.length).toBeGreaterThanOrEqual(8);
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(op?.responses ?? {}).length).toBeGreaterThan(0);
    }
    expect(doc.paths['/_paywall/v1/access']?.post?.requestBody).toBeDefined();
    const access200 = doc.paths['/_paywall/v1/access']?.post?.responses['200'];
    expect(JSON.stringify(access200)).toContain('#/components/schemas/AccessResponse');
    const access400 = doc.paths['/_paywall/v1/access']?.post?.responses['400'];
    expect(JSON.stringify(access400)).toContain('#/components/schemas/ErrorEnvelope');
    for (const name of [
      'AccessRequest',
      'AccessResponse',
      'ErrorEnvelope',
      'CheckoutRequest',
      'Jwks',
    ]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    // Query schemas become parameters: the prompt's are all there.
    const promptParams = JSON.stringify(doc.paths['/_paywall/v1/prompt']?.get);
    for (const name of ['returnTo', 'variant', 'limit', 'used']) {
      expect(promptParams).toContain(`"name":"${name}","in":"query"`);
    }
    expect(doc.components.securitySchemes?.siteApiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    // Every $ref resolves.
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1] as string);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  it('tells a peek from a grant: AccessResponse is a oneOf on `access`, and only a peek has wouldBe', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/openapi.json`));
    const doc = (await response.json()) as Doc;
    type Schema = {
      oneOf?: { $ref: string }[];
      discriminator?: { propertyName: string; mapping: Record<string, string> };
      properties?: Record<string, { enum?: string[] }>;
      required?: string[];
    };
    const schemas = doc.components.schemas as Record<string, Schema>;
    const union = schemas.AccessResponse;
    expect(union?.discriminator).toEqual({
      propertyName: 'access',
      mapping: {
        granted: '#/components/schemas/AccessGranted',
        denied: '#/components/schemas/AccessDenied',
        peek: '#/components/schemas/AccessPeek',
      },
    });
    expect(union?.oneOf).toHaveLength(3);
    for (const [name, access] of [
      ['AccessGranted', 'granted'],
      ['AccessDenied', 'denied'],
      ['AccessPeek', 'peek'],
    ] as const) {
      const variant = schemas[name];
      expect(variant?.properties?.access?.enum, name).toEqual([access]);
      expect(variant?.required, name).toContain('access');
      expect(variant?.properties?.wouldBe !== undefined, name).toBe(access === 'peek');
    }
    expect(schemas.AccessPeek?.properties?.wouldBe?.enum).toEqual(['granted', 'denied']);
    expect(schemas.AccessPeek?.required).toContain('wouldBe');
  });

  it('has a docs page', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/docs`));
    expect(response.status).toBe(200);
    // Swagger UI, served by this worker (tests/integration/docs-page.test.ts has the rest).
    expect(await response.text()).toContain('/_paywall/docs/init.js');
  });
});

// Issue #13 item 2: the document tells the truth, and the service answers what it lists.
describe('the document agrees with the service', () => {
  type FullOperation = Operation & {
    operationId?: string;
    tags?: string[];
    description?: string;
    security?: unknown[];
  };
  const fetchDoc = async () =>
    (await (await callWorker(new Request(`${BASE}/_paywall/openapi.json`))).json()) as Doc;

  it('publishes patterns that compile and match, and only formats that exist', async () => {
    const doc = await fetchDoc();
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"format":"ip"/);
    const request = doc.components.schemas.AccessRequest as {
      properties: {
        article: { properties: { id: { pattern: string } } };
        reader: {
          properties: { ip: { anyOf: { format: string }[] }; token: { maxLength: number } };
        };
      };
    };
    const pattern = new RegExp(request.properties.article.properties.id.pattern, 'u');
    expect(pattern.test('2026/11/harbour-lights')).toBe(true);
    expect(pattern.test('a b')).toBe(false);
    expect(request.properties.reader.properties.ip.anyOf.map((s) => s.format)).toEqual([
      'ipv4',
      'ipv6',
    ]);
    // A token of the longest allowed length fits the 16 KB body with room to spare.
    expect(request.properties.reader.properties.token.maxLength).toBeLessThan(16 * 1024 - 2048);
    // Every string pattern in the document compiles as a Unicode regex.
    for (const [, p] of text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)) {
      expect(() => new RegExp(JSON.parse(p as string), 'u'), p).not.toThrow();
    }
  });

  it('gives every operation an operationId, tags, a description and an explicit security', async () => {
    const doc = await fetchDoc();
    const ids = new Set<string>();
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method] as FullOperation | undefined;
      const name = `${method.toUpperCase()} ${path}`;
      expect(op?.operationId, name).toMatch(/^[a-zA-Z]+$/);
      expect(ids.has(op?.operationId ?? ''), name).toBe(false);
      ids.add(op?.operationId ?? '');
      expect(op?.tags?.length, name).toBeGreaterThan(0);
      expect(op?.description?.length, name).toBeGreaterThan(20);
      expect(Array.isArray(op?.security), name).toBe(true);
    }
    const checkout = doc.paths['/_paywall/v1/checkout']?.post as FullOperation;
    expect(checkout.security).toEqual([{ siteApiKey: [] }, {}]);
  });

  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  const paywallRoutes = [...new Set(ROUTES.map(([, p]) => p))].filter((p) =>
    p.startsWith('/_paywall/'),
  );
  const WRONG: [string, string, string][] = paywallRoutes.flatMap((path) => {
    const allowed = ROUTES.filter(([, p]) => p === path).map(([m]) => m.toUpperCase());
    const allow = allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).join(', ');
    return METHODS.filter((m) => !allowed.includes(m)).map(
      (m) => [m, path, allow] as [string, string, string],
    );
  });

  it.each(WRONG)('%s %s is a 405 with Allow: %s', async (method, path, allow) => {
    const response = await callWorker(new Request(`${BASE}${path}`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('method_not_allowed');
  });

  it.each([
    ['GET', '/_paywall/v1/nope'],
    ['POST', '/_paywall/v1/access/'],
    ['DELETE', '/_paywall/v2/access'],
  ])('%s %s (no such path) stays a 404', async (method, path) => {
    const response = await callWorker(new Request(`${BASE}${path}`, { method }));
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
  });

  const origin = new URL(BASE).origin;
  const form = (body: string): RequestInit => ({
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body,
  });
  // What a reader's browser sends with a form post: errors come back as a page.
  const browserForm = (body: string): RequestInit => ({
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin,
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    },
    body,
  });
  const SENT: [string, string, string, RequestInit][] = [
    [
      'portal, a 600-character returnTo',
      'post',
      '/_paywall/v1/portal',
      form(`returnTo=/${'a'.repeat(600)}`),
    ],
    [
      'portal from a browser, a 600-character returnTo',
      'post',
      '/_paywall/v1/portal',
      browserForm(`returnTo=/${'a'.repeat(600)}`),
    ],
    [
      'portal from a browser, no cookie',
      'post',
      '/_paywall/v1/portal',
      browserForm('returnTo=/story'),
    ],
    [
      'checkout from a browser, an unknown plan',
      'post',
      '/_paywall/v1/checkout',
      browserForm('plan=no-such-plan'),
    ],
    [
      'checkout from a browser, neither plan nor amount',
      'post',
      '/_paywall/v1/checkout',
      browserForm('returnTo=/story'),
    ],
    ['portal, an unsafe returnTo', 'post', '/_paywall/v1/portal', form('returnTo=//evil.example')],
    [
      'portal, JSON',
      'post',
      '/_paywall/v1/portal',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    ],
    ['portal, no cookie', 'post', '/_paywall/v1/portal', form('returnTo=/story')],
    ['prompt, limit empty', 'get', '/_paywall/v1/prompt?limit=', {}],
    ['prompt, limit null', 'get', '/_paywall/v1/prompt?limit=null', {}],
    ['prompt, used -1', 'get', '/_paywall/v1/prompt?limit=3&used=-1', {}],
    ['prompt, fine', 'get', '/_paywall/v1/prompt?limit=3&used=3', {}],
    [
      'checkout, JSON without a key',
      'post',
      '/_paywall/v1/checkout',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"plan":"x"}' },
    ],
    [
      'checkout, form with both plan and amount',
      'post',
      '/_paywall/v1/checkout',
      form('plan=monthly&amount=500'),
    ],
    [
      'checkout, form from another origin',
      'post',
      '/_paywall/v1/checkout',
      {
        ...form('plan=monthly'),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://evil.example',
        },
      },
    ],
    [
      'webhook, no signature',
      'post',
      '/_paywall/v1/webhooks/stripe',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"id":"evt_1","type":"x"}',
      },
    ],
    [
      'webhook, a bad signature',
      'post',
      '/_paywall/v1/webhooks/stripe',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        body: '{}',
      },
    ],
  ];

  it.each(SENT)('%s: the status is one the document lists', async (_, method, path, init) => {
    const doc = await fetchDoc();
    const response = await callWorker(new Request(`${BASE}${path}`, init));
    await response.body?.cancel();
    const responses = doc.paths[path.split('?')[0] as string]?.[method]?.responses ?? {};
    expect(Object.keys(responses)).toContain(String(response.status));
    // And the body's media type is one listed for that status (none for a redirect).
    const type = response.headers.get('content-type')?.split(';')[0];
    const listedTypes = Object.keys(responses[String(response.status)]?.content ?? {});
    if (response.status >= 300 && response.status < 400) expect(listedTypes).toEqual([]);
    else expect(listedTypes).toContain(type);
  });
});

describe('the rules the service enforces are in the document', () => {
  const fetchDoc = async () =>
    (await (await callWorker(new Request(`${BASE}/_paywall/openapi.json`))).json()) as Doc & {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };

  it("the prompt's limit and used are integers, never nullable, and null is refused", async () => {
    const doc = await fetchDoc();
    const params = doc.paths['/_paywall/v1/prompt']?.get?.parameters as {
      name: string;
      schema: { type: unknown; minimum: number; maximum: number };
    }[];
    for (const name of ['limit', 'used']) {
      const param = params.find((p) => p.name === name);
      expect(param?.schema, name).toMatchObject({ type: 'integer', minimum: 0, maximum: 1000 });
    }
    const response = await callWorker(new Request(`${BASE}/_paywall/v1/prompt?limit=null`));
    expect(response.status).toBe(400);
  });

  it('checkout states exactly one of plan or contribution, and where plans come from', async () => {
    const doc = await fetchDoc();
    const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
    expect(schemas.CheckoutRequest?.oneOf).toEqual([
      { required: ['plan'] },
      { required: ['contribution'] },
    ]);
    expect(JSON.stringify(schemas.CheckoutRequest)).toContain('OFFERS');
    expect(schemas.CheckoutForm?.oneOf).toBeDefined();
  });

  it("the webhook documents Stripe-Signature (required) and Stripe's JSON body", async () => {
    const doc = await fetchDoc();
    const op = doc.paths['/_paywall/v1/webhooks/stripe']?.post as unknown as {
      parameters: { name: string; in: string; required: boolean }[];
      requestBody: { required: boolean; content: Record<string, unknown> };
    };
    expect(op.parameters).toContainEqual(
      expect.objectContaining({ name: 'stripe-signature', in: 'header', required: true }),
    );
    expect(op.requestBody.required).toBe(true);
    expect(Object.keys(op.requestBody.content)).toEqual(['application/json']);
  });
});

describe("reader.token's maxLength agrees with the 16 KB body limit", () => {
  it.each([
    ['the longest token alone', {}],
    [
      'the longest token with long article, reader and user-agent fields',
      {
        article: { id: `a-${'x'.repeat(250)}`, url: `https://news.example/${'p'.repeat(1000)}` },
        userId: 'u'.repeat(256),
        userAgent: 'Mozilla/5.0 '.repeat(80),
      },
    ],
  ])('%s is read (a refused token, cleared), not a 400', async (_, extra) => {
    const { article, ...reader } = extra as { article?: unknown };
    const body = {
      article: article ?? { id: 'story-1' },
      reader: { token: 'e'.repeat(MAX_TOKEN_FIELD_LENGTH), ...reader },
      consume: false,
    };
    const response = await callWorker(accessRequest(body));
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { reader: { clearToken: boolean } };
    expect(answer.reader.clearToken).toBe(true);
  });

  // Found by the suite-wide validator (tests/support/openapi-validator.ts): a checkout under a
  // configuration its own check refuses answered a 500 the document did not list.
  it('createCheckout lists the 500 a bad configuration answers, with the error envelope', async () => {
    const served = await callWorker(new Request(`${BASE}/_paywall/openapi.json`));
    const doc = (await served.json()) as Doc;
    const listed = doc.paths['/_paywall/v1/checkout']?.post?.responses['500'];
    expect(JSON.stringify(listed)).toContain('#/components/schemas/ErrorEnvelope');
    const worker = withBindings({
      PAYWALL_CONFIG: JSON.stringify({ checkoutRateLimit: { perNetwork: 0 } }),
    });
    const response = await worker(
      new Request(`${BASE}/_paywall/v1/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ plan: 'monthly' }),
      }),
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'bad_configuration',
    );
  });

  it('one character more is a 400', async () => {
    const body = {
      article: { id: 'story-1' },
      reader: { token: 'e'.repeat(MAX_TOKEN_FIELD_LENGTH + 1) },
    };
    expect((await callWorker(accessRequest(body))).status).toBe(400);
  });
});
