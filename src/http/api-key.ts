import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from 'hono/utils/buffer';
import { AppError } from '../errors';
import type { AppEnv } from './context';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/**
 * `Authorization: Bearer <site API key>`. Several keys may be live at once so a site can
 * rotate without downtime. Every configured key is compared, each in constant time, so the
 * answer's timing does not tell which key nearly matched.
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
    const keys = c.var.services.siteApiKeys;
    const results = await Promise.all(keys.map((key) => timingSafeEqual(key, presented)));
    if (!results.includes(true)) {
      throw new AppError('unauthorized', 'The site API key is not valid.', {
        'WWW-Authenticate': 'Bearer realm="paywall", error="invalid_token"',
      });
    }
    await next();
  });
}
