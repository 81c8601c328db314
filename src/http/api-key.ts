import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import { isSiteApiKey } from '../secret-match';
import type { AppEnv } from './context';

export { isSiteApiKey };

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/**
 * `Authorization: Bearer <site API key>`. Several keys may be live at once so a site can
 * rotate without downtime. The comparison takes the same time whatever the presented value
 * holds: every configured key is compared (no early exit), each over the same fixed number
 * of bytes, so its timing says nothing about a key, which key nearly matched, or how long a
 * key is. It is synchronous and needs no digest: a decision pays it on every request.
 */
export function requireSiteApiKey() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = BEARER.exec((c.req.header('authorization') ?? '').trim())?.[1];
    if (!presented) {
      throw new AppError(
        'unauthorized',
        'Send the site API key as "Authorization: Bearer <key>".',
        {
          'WWW-Authenticate': 'Bearer realm="paywall"',
        },
      );
    }
    if (!isSiteApiKey(presented, c.var.services.deployment.siteApiKeys)) {
      throw new AppError('unauthorized', 'The site API key is not valid.', {
        'WWW-Authenticate': 'Bearer realm="paywall", error="invalid_token"',
      });
    }
    await next();
  });
}
