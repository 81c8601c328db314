import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { PAYWALL_PREFIX } from '../contract/paths';
import { DOCS_ASSET_PATHS, DOCS_HEADERS, docsPage } from '../docs/page';
import { AppError } from '../errors';
import type { AppEnv } from '../http/context';
import { errorResponse } from '../http/error-response';
import { adminOpenApi } from './admin';
import { devOutboxOpenApi } from './dev-outbox';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
 * (so the two cannot drift), and a docs page that renders it with the pinned Swagger UI
 * this worker serves itself (src/docs/page.ts).
 */
export const OPENAPI_PATH = `${PAYWALL_PREFIX}/openapi.json`;
export const DOCS_PATH = `${PAYWALL_PREFIX}/docs`;

/** The static assets binding (`[assets]` in wrangler.toml); absent in a bare test app. */
type WithAssets = { ASSETS?: { fetch: (request: Request) => Promise<Response> } };

export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'siteApiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The site's API key (SITE_API_KEYS); `local-dev-key` works only in local development.",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', {
    type: 'http',
    scheme: 'basic',
    description: 'The dashboard: any user name, ADMIN_KEY as the password (a browser prompts).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKeyBearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The dashboard, from a script: ADMIN_KEY as a Bearer token.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cloudflareAccess', {
    type: 'apiKey',
    in: 'header',
    name: 'Cf-Access-Jwt-Assertion',
    description:
      'The dashboard behind Cloudflare Access: the token Access adds (ACCESS_TEAM_DOMAIN, ACCESS_AUD).',
  });
  app.openAPIRegistry.registerPath(devOutboxOpenApi);
  app.openAPIRegistry.registerPath(adminOpenApi);
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'edge-paywall',
      version: '1',
      description:
        'Metered paywall and reader revenue at the edge. Every path outside /_paywall and the JWKS is proxied to the site (not listed here). A known /_paywall path with another method is a 405 with `Allow`; an unknown one is a 404.',
    },
    // Relative: the worker answers on the site's own host, whichever that is.
    servers: [{ url: '/', description: "The site's own host, where the worker runs" }],
    tags: [
      { name: 'access', description: 'The access decision the site asks for every article view' },
      { name: 'billing', description: 'Checkout, the customer portal and Stripe webhooks' },
      { name: 'prompt', description: 'The support prompt for sites that draw their own wall' },
      {
        name: 'accounts',
        description:
          'Sign-in with an e-mailed code: access on any device, the registration wall, sign-out',
      },
      {
        name: 'privacy',
        description: 'Erasure: remove what the service stores about a reader or a site user',
      },
      { name: 'keys', description: 'Public keys that verify entitlement tokens' },
      {
        name: 'stats',
        description: "The publisher's numbers: the funnel, revenue, experiments, shadow rules",
      },
      { name: 'operations', description: 'Health' },
    ],
  });
  app.get(DOCS_PATH, (c) => {
    if (!assets(c)) return notFound(c);
    return c.html(docsPage('edge-paywall API'), 200, { ...DOCS_HEADERS });
  });
  // The page's own files, from the assets directory, by exact path. The worker runs first
  // for every path (`run_worker_first`), so assets never answer for any other path.
  app.get(`${DOCS_PATH}/*`, async (c) => {
    const binding = assets(c);
    const path = new URL(c.req.url).pathname;
    if (!binding || !DOCS_ASSET_PATHS.has(path)) return notFound(c);
    const file = await binding.fetch(new Request(new URL(path, c.req.url)));
    if (file.status !== 200) {
      await file.body?.cancel();
      return notFound(c);
    }
    const response = new Response(file.body, file);
    for (const [name, value] of Object.entries(DOCS_HEADERS)) response.headers.set(name, value);
    return response;
  });
}

const assets = (c: Context<AppEnv>) => (c.env as WithAssets | undefined)?.ASSETS;
const notFound = (c: Context<AppEnv>) =>
  errorResponse(c, new AppError('not_found', 'No such route.'));
