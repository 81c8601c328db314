/// <reference types="node" />
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, expect, inject, test } from 'vitest';
import { SWAGGER_UI_DIR, SWAGGER_UI_FILES } from '../../tools/scripts/vendor-swagger-ui';
import { launchBrowser } from './browser';

// The served OpenAPI document checked against the official OpenAPI 3.1 JSON schema. This runs
// here, in Node, and not in tests/integration/openapi.test.ts: the validator compiles the
// schema with ajv (new Function), which workerd forbids. No browser: a plain fetch to the
// worker of the stack that tests/e2e/global-setup.ts started (the docs page, below, uses one).

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

// Issue #10 item 10: the docs page is Swagger UI pinned and served by the worker itself.
// Here, in Node: the committed copies and what wrangler dev serves are the pinned package's
// files byte for byte, and Chromium renders the page with every other host unreachable.

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGE_DIR = resolve(ROOT, 'node_modules/swagger-ui-dist');
const SERVED: [file: string, path: string][] = SWAGGER_UI_FILES.map((file) => [
  file,
  `/_paywall/docs/swagger-ui/${file}`,
]);

test('Swagger UI is pinned to one exact version, and the copies in public/ are its files', async () => {
  const project = JSON.parse(await readFile(resolve(ROOT, 'package.json'), 'utf8'));
  const pinned = JSON.parse(await readFile(resolve(PACKAGE_DIR, 'package.json'), 'utf8'));
  expect(project.devDependencies['swagger-ui-dist']).toBe(pinned.version);
  expect(pinned.version).toMatch(/^\d+\.\d+\.\d+$/);
  for (const file of SWAGGER_UI_FILES) {
    const original = await readFile(resolve(PACKAGE_DIR, file));
    const copy = await readFile(resolve(SWAGGER_UI_DIR, file));
    expect(copy.equals(original), `${file}: run npx tsx tools/scripts/vendor-swagger-ui.ts`).toBe(
      true,
    );
  }
});

test.each(SERVED)('the worker serves %s as the package ships it', async (file, path) => {
  const response = await fetch(new URL(path, inject('e2e').url));
  expect(response.status).toBe(200);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const served = Buffer.from(await response.arrayBuffer());
  expect(served.equals(await readFile(resolve(PACKAGE_DIR, file)))).toBe(true);
});

test('Chromium renders the docs page with no other host reachable, and no policy violation', async () => {
  const base = new URL(inject('e2e').url);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const foreign: string[] = [];
    const loaded: { url: string; status: number }[] = [];
    // Offline but for the worker: any request to another host is recorded and refused.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === base.origin) return route.continue();
      foreign.push(url.href);
      return route.abort('internetdisconnected');
    });
    page.on('response', (r) => loaded.push({ url: r.url(), status: r.status() }));
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const response = await page.goto(new URL('/_paywall/docs', base).href);
    expect(response?.status()).toBe(200);
    // Swagger UI fetched the document and lists the operations.
    const access = page.locator('.opblock-summary-path', { hasText: '/_paywall/v1/access' });
    await access.first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(8);
    await expect.poll(() => page.locator('.models, .model-container').count()).toBeGreaterThan(0);

    expect(foreign).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    for (const { url, status } of loaded) {
      expect(new URL(url).origin, url).toBe(base.origin);
      expect(status, url).toBe(200);
    }
    const paths = loaded.map(({ url }) => new URL(url).pathname);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/_paywall/docs',
        '/_paywall/docs/swagger-ui/swagger-ui-bundle.js',
        '/_paywall/docs/swagger-ui/swagger-ui.css',
        '/_paywall/docs/init.js',
        '/_paywall/openapi.json',
      ]),
    );
    await context.close();
  } finally {
    await browser.close();
  }
});
