/**
 * Stands in for zod's `v4/locales/index.js` in the deployed bundle (wrangler.toml's `[alias]`).
 *
 * `@hono/zod-openapi` hands zod's whole `z` namespace to `extendZodWithOpenApi(z)`, so esbuild
 * cannot drop any of it, and `z.locales` drags in the error messages of all 48 languages: about
 * 39 KB gzipped that the worker never uses. zod sets its English messages itself
 * (`config(en())` in `v4/classic/external.js`, importing `en.js` directly), and nothing here
 * calls `z.locales`. This module keeps `z.locales.en` and drops the rest.
 */
export { default as en } from 'zod/v4/locales/en.js';
