import { describe, expect, it } from 'vitest';
import { BASE, callWorker } from '../support/worker';

type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: unknown;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

// Every route the app serves, as method + path.
const ROUTES: [string, string][] = [
  ['post', '/_paywall/v1/access'],
  ['get', '/_paywall/healthz'],
  ['post', '/_paywall/v1/checkout'],
  ['get', '/_paywall/checkout/complete'],
  ['post', '/_paywall/v1/webhooks/stripe'],
  ['post', '/_paywall/v1/portal'],
  ['get', '/.well-known/jwks.json'],
];

describe('GET /_paywall/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route with its schemas and the error envelope', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/openapi.json`));
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
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

  it('has a docs page', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/docs`));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/_paywall/openapi.json');
  });
});
