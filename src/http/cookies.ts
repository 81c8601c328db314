import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * Our two cookies, `__Host-` prefixed: Secure, Path=/, no Domain, so no other subdomain can
 * set or read them; HttpOnly so page scripts cannot either.
 */
export const READER_COOKIE = '__Host-paywall_rid';
export const ENTITLEMENT_COOKIE = '__Host-paywall_ent';

const ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } as const;

/** Reads `__Host-<name>`; hono adds the prefix. */
export function readCookie(c: Context, name: 'paywall_rid' | 'paywall_ent'): string | undefined {
  return getCookie(c, name, 'host');
}

export function setReaderCookie(c: Context, readerToken: string): void {
  setCookie(c, 'paywall_rid', readerToken, { ...ATTRIBUTES, prefix: 'host', maxAge: 400 * 86_400 });
}

/** Lives as long as the refresh horizon, so an expired token can still be refreshed. */
export function setEntitlementCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, 'paywall_ent', token, { ...ATTRIBUTES, prefix: 'host', maxAge: maxAgeSeconds });
}

export function clearEntitlementCookie(c: Context): void {
  deleteCookie(c, 'paywall_ent', { ...ATTRIBUTES, prefix: 'host' });
}
