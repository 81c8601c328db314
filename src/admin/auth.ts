import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import type { JWTVerifyGetKey } from 'jose';
import { AppError, RETRY_SOON } from '../errors';
import { isSiteApiKey } from '../secret-match';
import { accessKeySet, verifyAccessJwt } from './auth-access';
import type { AdminAuthSettings } from './auth-config';
import { presentedKey } from './auth-credentials';
import { isLoopbackRequest } from './auth-loopback';

/**
 * Who may open the publisher dashboard (`/_paywall/admin`):
 *
 * - **Cloudflare Access**, when ACCESS_TEAM_DOMAIN and ACCESS_AUD are set: a valid
 *   `Cf-Access-Jwt-Assertion` (src/admin/auth-access.ts);
 * - **the admin key**, when ADMIN_KEY is set: `Authorization: Bearer <key>`, or Basic with any
 *   user name and the key as the password, compared in constant time (src/secret-match.ts,
 *   the site API keys' comparison);
 * - **nothing configured**: in production nobody (404, like an unknown path: no credential
 *   could open it, so a 401 or 403 would only advertise it); elsewhere, requests from this
 *   machine only (src/admin/auth-loopback.ts).
 *
 * Either configured credential opens it. A refusal is a value (docs/architecture.md
 * convention 5); `requireAdmin()` turns it into the error envelope.
 */

/** What the decision reads from a request; `adminRequestOf` takes it from a `Request`. */
export interface AdminRequest {
  /** `Cf-Access-Jwt-Assertion`: the one place an Access token is taken from (never the cookie). */
  accessJwt: string | undefined;
  authorization: string | undefined;
  /** `CF-Connecting-IP`. */
  clientIp: string | undefined;
  /** The request URL's host name, as `URL` spells it (`127.0.0.1`, `[::1]`). */
  hostname: string;
}

export interface AdminAuthDeps {
  /** The team's key set (src/admin/auth-access.ts's `accessKeySet`; a local set in tests). */
  keySet: (teamDomain: string) => JWTVerifyGetKey;
  now: Date;
}

export type AdminRefusal =
  /** Production with neither Access nor a key: the dashboard is off. */
  | 'not_configured'
  /** Development with nothing configured, not from this machine. */
  | 'not_loopback'
  /** Only Access is configured and no token came with the request. */
  | 'no_access_token'
  | 'access_token_invalid'
  /** Access's key set could not be fetched (and no valid admin key came either). */
  | 'access_keys_unavailable'
  /** An admin key is configured and none came (or another scheme). */
  | 'no_admin_key'
  | 'admin_key_malformed'
  | 'admin_key_wrong';

export type AdminAuthResult =
  | { ok: true; who: 'access' | 'admin-key' | 'loopback' }
  | { ok: false; status: 401 | 403 | 404 | 503; reason: AdminRefusal };

/** Sent with every 401, so that a browser shows its own sign-in prompt. */
export const ADMIN_CHALLENGE = 'Basic realm="paywall admin", charset="UTF-8"';

export const adminRequestOf = (request: Request): AdminRequest => ({
  accessJwt: request.headers.get('cf-access-jwt-assertion') ?? undefined,
  authorization: request.headers.get('authorization') ?? undefined,
  clientIp: request.headers.get('cf-connecting-ip') ?? undefined,
  hostname: new URL(request.url).hostname,
});

export async function authoriseAdmin(
  request: AdminRequest,
  settings: AdminAuthSettings,
  deps: AdminAuthDeps,
): Promise<AdminAuthResult> {
  const { access, adminKeys, environment } = settings;
  const keyConfigured = adminKeys.length > 0;
  if (access === null && !keyConfigured) {
    if (environment === 'production') return refuse(404, 'not_configured');
    return isLoopbackRequest(request.clientIp, request.hostname)
      ? { ok: true, who: 'loopback' }
      : refuse(403, 'not_loopback');
  }

  // The key first: it costs no fetch, and a valid one opens even while Access's keys cannot be had.
  const key = keyConfigured ? presentedKey(request.authorization) : null;
  if (key?.ok && isSiteApiKey(key.key, adminKeys)) return { ok: true, who: 'admin-key' };

  if (access !== null && request.accessJwt !== undefined) {
    const check = await verifyAccessJwt(
      request.accessJwt,
      access,
      deps.keySet(access.teamDomain),
      deps.now,
    );
    if (check.ok) return { ok: true, who: 'access' };
    if (check.failure === 'unavailable') return refuse(503, 'access_keys_unavailable');
    if (key === null) return refuse(403, 'access_token_invalid');
  }
  if (key === null) return refuse(403, 'no_access_token');
  // A 401 with the Basic challenge: the browser asks for the key (again).
  if (key.ok) return refuse(401, 'admin_key_wrong');
  return refuse(401, key.failure === 'malformed' ? 'admin_key_malformed' : 'no_admin_key');
}

const refuse = (
  status: 401 | 403 | 404 | 503,
  reason: AdminRefusal,
): Extract<AdminAuthResult, { ok: false }> => ({ ok: false, status, reason });

/** What the middleware needs from the services: src/services.ts adds `deployment.admin`. */
type AdminAuthEnv = {
  Variables: RequestIdVariables & {
    services: { deployment: { admin: AdminAuthSettings }; now(): Date };
  };
};

/**
 * Hono middleware for the dashboard's routes: lets the request through, or throws the refusal
 * as an `AppError` (the one error envelope). `keySet` is for tests.
 */
export function requireAdmin(options: { keySet?: AdminAuthDeps['keySet'] } = {}) {
  const keySet = options.keySet ?? accessKeySet;
  return createMiddleware<AdminAuthEnv>(async (c, next) => {
    const { deployment, now } = c.var.services;
    const result = await authoriseAdmin(adminRequestOf(c.req.raw), deployment.admin, {
      keySet,
      now: now(),
    });
    if (!result.ok) throw refusalError(result);
    await next();
  });
}

/** The refusal on the wire. Messages say what to do, never which check failed or why. */
function refusalError(refusal: Extract<AdminAuthResult, { ok: false }>): AppError {
  switch (refusal.status) {
    case 401:
      return new AppError(
        'unauthorized',
        'Sign in with the admin key: any user name, the key as the password.',
        { 'WWW-Authenticate': ADMIN_CHALLENGE },
      );
    case 403:
      return refusal.reason === 'not_loopback'
        ? new AppError(
            'forbidden',
            'In development the dashboard opens only from this machine (http://127.0.0.1), unless ACCESS_TEAM_DOMAIN and ACCESS_AUD or ADMIN_KEY are set.',
          )
        : new AppError('forbidden', 'Open the dashboard through Cloudflare Access.');
    case 404:
      return new AppError('not_found', 'No such route.');
    case 503:
      return new AppError(
        'service_unavailable',
        "Cloudflare Access's signing keys could not be fetched; try again shortly.",
        RETRY_SOON,
      );
  }
}
