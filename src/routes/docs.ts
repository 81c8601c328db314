import { swaggerUI } from '@hono/swagger-ui';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
 * (so the two cannot drift), and a docs page that renders it.
 */
export const OPENAPI_PATH = '/_paywall/openapi.json';
export const DOCS_PATH = '/_paywall/docs';

export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'siteApiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The site's API key (SITE_API_KEYS); `local-dev-key` works only in local development.",
  });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'edge-paywall',
      version: '1',
      description:
        'Metered paywall and reader revenue at the edge. Every path outside /_paywall and the JWKS is proxied to the site (not listed here).',
    },
  });
  app.get(DOCS_PATH, swaggerUI({ url: OPENAPI_PATH, title: 'edge-paywall API' }));
}
