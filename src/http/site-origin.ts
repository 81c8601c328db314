import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import { requireSiteApiKey } from './api-key';
import type { AppEnv } from './context';

/**
 * Who may create a checkout: the site's server with its API key (JSON), or a reader's
 * browser posting the prompt's form from our own origin or an allowed site origin. A
 * browser form from anywhere else is a cross-site request forgery attempt: 403.
 */
export function requireSiteOrBrowserForm() {
  const apiKey = requireSiteApiKey();
  return createMiddleware<AppEnv>(async (c, next) => {
    if (/json/i.test(c.req.header('content-type') ?? '')) return apiKey(c, next);
    const origin = c.req.header('origin');
    const allowed = [new URL(c.req.url).origin, ...c.var.services.config.allowedOrigins];
    if (!origin || !allowed.includes(origin)) {
      throw new AppError('forbidden', 'This form may only be posted from the site itself.');
    }
    await next();
  });
}
