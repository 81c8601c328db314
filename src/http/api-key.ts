import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import type { AppEnv } from './context';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/**
 * `Authorization: Bearer <site API key>`. Several keys may be live at once so a site can
 * rotate without downtime. Keys are compared as SHA-256 digests: equal-length values, so
 * the comparison's timing says nothing about the key, and every configured key is compared
 * (no early exit), so it says nothing about which key nearly matched either. The
 * configured keys are hashed once per isolate; a request costs one digest.
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
    if (!(await isSiteApiKey(presented, c.var.services.deployment.siteApiKeys))) {
      throw new AppError('unauthorized', 'The site API key is not valid.', {
        'WWW-Authenticate': 'Bearer realm="paywall", error="invalid_token"',
      });
    }
    await next();
  });
}

/** The configured keys' digests, computed once per isolate (per key list). */
const digests = new WeakMap<readonly string[], Promise<Uint8Array[]>>();

/** Whether `presented` is one of the site API keys, compared in constant time (see above). */
export async function isSiteApiKey(
  presented: string,
  configuredKeys: readonly string[],
): Promise<boolean> {
  let configured = digests.get(configuredKeys);
  if (!configured) {
    configured = Promise.all(configuredKeys.map(sha256));
    digests.set(configuredKeys, configured);
  }
  const [candidate, keys] = await Promise.all([sha256(presented), configured]);
  let matched = false;
  for (const key of keys) matched = constantTimeEqual(key, candidate) || matched;
  return matched;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
