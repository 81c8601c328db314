import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { Services } from '../../src/services';
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
