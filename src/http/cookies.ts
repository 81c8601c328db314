import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import {
  ENTITLEMENT_COOKIE,
  READER_COOKIE,
  READER_COOKIE_MAX_AGE_SECONDS,
} from '../schemas/cookies';

export { ENTITLEMENT_COOKIE, READER_COOKIE };

const ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } as const;

/** Reads `__Host-<name>`; hono adds the prefix. */
export function readCookie(c: Context, name: 'paywall_rid' | 'paywall_ent'): string | undefined {
  return getCookie(c, name, 'host');
}

export function setReaderCookie(c: Context, readerToken: string): void {
  setCookie(c, 'paywall_rid', readerToken, {
    ...ATTRIBUTES,
    prefix: 'host',
    maxAge: READER_COOKIE_MAX_AGE_SECONDS,
  });
}

/** Lives as long as the refresh horizon, so an expired token can still be refreshed. */
export function setEntitlementCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, 'paywall_ent', token, { ...ATTRIBUTES, prefix: 'host', maxAge: maxAgeSeconds });
}

export function clearEntitlementCookie(c: Context): void {
  deleteCookie(c, 'paywall_ent', { ...ATTRIBUTES, prefix: 'host' });
}
