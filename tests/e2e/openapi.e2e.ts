/// <reference types="node" />
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, expect, inject, test } from 'vitest';

// The served OpenAPI document checked against the official OpenAPI 3.1 JSON schema. This runs
// here, in Node, and not in tests/integration/openapi.test.ts: the validator compiles the
// schema with ajv (new Function), which workerd forbids. No browser: a plain fetch to the
// worker of the stack that tests/e2e/global-setup.ts started.

type Doc = Record<string, unknown> & {
  openapi?: unknown;
  paths?: Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>>;
};

let doc: Doc;

beforeAll(async () => {
  const response = await fetch(new URL('/_paywall/openapi.json', inject('e2e').url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as Doc;
});

/** A fresh validator per check; allErrors so a failure lists every problem, not the first. */
async function validate(spec: Doc) {
  const validator = new Validator({ allErrors: true });
  const result = await validator.validate(spec);
  return { ...result, version: validator.version };
}

const describeErrors = (errors: unknown) => JSON.stringify(errors, null, 2);

test('GET /_paywall/openapi.json is a valid OpenAPI 3.1 document', async () => {
  expect(typeof doc.openapi).toBe('string');
  expect(String(doc.openapi)).toMatch(/^3\.1\./);
  const { valid, errors, version } = await validate(doc);
  expect(valid, `the document does not match the OAS 3.1 schema:\n${describeErrors(errors)}`).toBe(
    true,
  );
  // The validator picks its schema from `openapi`: make sure it was the 3.1 one.
  expect(version).toBe('3.1');
});

test('negative control: the same check rejects a broken copy of the document', async () => {
  // A response without `description` is forbidden by the OAS 3.1 schema (Response Object).
  const broken = structuredClone(doc);
  const operation = broken.paths?.['/_paywall/v1/access']?.post;
  const ok = operation?.responses?.['200'];
  expect(ok, 'POST /_paywall/v1/access has no 200 response to break').toBeDefined();
  expect(ok).toHaveProperty('description');
  delete ok?.description;

  const noDescription = await validate(broken);
  expect(noDescription.valid, 'a response without description passed validation').toBe(false);
  expect(noDescription.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        instancePath: '/paths/~1_paywall~1v1~1access/post/responses/200',
        keyword: 'required',
        params: { missingProperty: 'description' },
      }),
    ]),
  );

  // And one without `info`, a required field of the top-level OpenAPI Object.
  const { info: _info, ...noInfo } = structuredClone(doc);
  const missingInfo = await validate(noInfo);
  expect(missingInfo.valid, 'a document without info passed validation').toBe(false);
  expect(missingInfo.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        instancePath: '',
        keyword: 'required',
        params: { missingProperty: 'info' },
      }),
    ]),
  );

  // Breaking the copies left the served document alone.
  expect((await validate(doc)).valid).toBe(true);
});
