/**
 * Copies the pinned Swagger UI (the exact `swagger-ui-dist` version in package.json) into
 * public/_paywall/docs/swagger-ui/, which the worker serves as static assets for the API
 * docs page. Nothing is loaded from a CDN. Run it after changing the pinned version:
 *
 *   npx tsx tools/scripts/vendor-swagger-ui.ts
 *
 * tests/integration/docs-page.test.ts fails while the copies differ from the package.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** What the page needs, and the licence texts that must travel with it (Apache-2.0). */
export const SWAGGER_UI_FILES = [
  'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.LICENSE.txt',
  'swagger-ui.css',
  'LICENSE',
  'NOTICE',
] as const;

const ROOT = resolve(import.meta.dirname, '../..');
export const SWAGGER_UI_DIR = join(ROOT, 'public/_paywall/docs/swagger-ui');

function main(): void {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('swagger-ui-dist/package.json');
  const from = dirname(packageJson);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  mkdirSync(SWAGGER_UI_DIR, { recursive: true });
  for (const file of SWAGGER_UI_FILES) copyFileSync(join(from, file), join(SWAGGER_UI_DIR, file));
  console.log(`swagger-ui-dist ${version} → ${SWAGGER_UI_DIR}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
