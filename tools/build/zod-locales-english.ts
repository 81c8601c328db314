/**
 * Stands in for zod's `v4/locales/index.js` in the deployed bundle (wrangler.toml's `[alias]`).
 *
 * `@hono/zod-openapi` hands zod's whole `z` namespace to `extendZodWithOpenApi(z)`, so esbuild
 * cannot drop any of it, and `z.locales` drags in the error messages of all 48 languages: about
 * 39 KB gzipped that the worker never uses. zod sets its English messages itself, from `en.js`
 * imported directly (`v4/classic/schemas.js`, when the first schema is built), and nothing here
 * calls `z.locales`: tests/unit/tools/zod-locales.test.ts keeps it so. This module keeps
 * `z.locales.en` and drops the rest.
 */
export { default as en } from 'zod/v4/locales/en.js';
