import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { PAYWALL_PREFIX } from './contract/paths';
import { AppError } from './errors';
import { afterResponse } from './http/after-response';
import type { AppEnv } from './http/context';
import { errorResponse, onError } from './http/error-response';
import { methodNotAllowed } from './http/method-not-allowed';
import { validationHook } from './http/validation';
import { accessRoutes } from './routes/access';
import { adminRoutes } from './routes/admin';
import { checkoutRoutes } from './routes/checkout';
import { checkoutCompleteRoutes } from './routes/checkout-complete';
import { devOutboxRoutes } from './routes/dev-outbox';
import { mountDocs } from './routes/docs';
import { erasureRoutes } from './routes/erasure';
import { healthRoutes } from './routes/health';
import { jwksRoutes } from './routes/jwks';
import { portalRoutes } from './routes/portal';
import { promptRoutes } from './routes/prompt';
import { proxyToOrigin } from './routes/proxy';
import { signInRoutes } from './routes/sign-in';
import { signOutRoutes } from './routes/sign-out';
import { statsRoutes } from './routes/stats';
import { webhookRoutes } from './routes/webhooks';
import type { Services } from './services';

export function createApp(services: Services) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
    // The publisher's counters leave after the response, never before it (src/stats/). The
    // OpenAPI tooling builds an app with no services at all, hence the `?.`.
    if (services.stats?.due()) afterResponse(c, services.stats.flush());
  });

  app.route(PAYWALL_PREFIX, accessRoutes);
  app.route(PAYWALL_PREFIX, healthRoutes);
  app.route(PAYWALL_PREFIX, checkoutRoutes);
  app.route(PAYWALL_PREFIX, checkoutCompleteRoutes);
  app.route(PAYWALL_PREFIX, webhookRoutes);
  app.route(PAYWALL_PREFIX, portalRoutes);
  app.route(PAYWALL_PREFIX, promptRoutes);
  app.route(PAYWALL_PREFIX, signInRoutes);
  app.route(PAYWALL_PREFIX, signOutRoutes);
  app.route(PAYWALL_PREFIX, devOutboxRoutes);
  app.route(PAYWALL_PREFIX, erasureRoutes);
  app.route(PAYWALL_PREFIX, statsRoutes);
  app.route(PAYWALL_PREFIX, adminRoutes);
  mountDocs(app);
  app.route('/', jwksRoutes);

  // Our reserved prefix never reaches the origin; every other path is the site's.
  const wrongMethod = methodNotAllowed(app.routes, PAYWALL_PREFIX);
  app.all(
    `${PAYWALL_PREFIX}/*`,
    (c) => wrongMethod(c) ?? errorResponse(c, new AppError('not_found', 'No such route.')),
  );
  app.all('*', proxyToOrigin);
  app.notFound((c) => errorResponse(c, new AppError('not_found', 'No such route.')));
  app.onError(onError);
  return app;
}

/**
 * What the worker serves when its configuration is invalid: every request gets the same
 * 500 `bad_configuration` envelope naming the fields at fault, never a crash or a stack.
 */
export function createMisconfiguredApp(problems: readonly string[]) {
  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  app.all('*', (c) =>
    errorResponse(
      c,
      new AppError('bad_configuration', `The worker is misconfigured: ${problems.join('; ')}`),
    ),
  );
  return app;
}
