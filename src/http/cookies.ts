import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import {
  ACCOUNT_COOKIE,
  ENTITLEMENT_COOKIE,
  READER_COOKIE,
  READER_COOKIE_MAX_AGE_SECONDS,
  SIGN_IN_COOKIE,
} from '../contract/cookies';

export { ACCOUNT_COOKIE, ENTITLEMENT_COOKIE, READER_COOKIE, SIGN_IN_COOKIE };

type CookieName = 'paywall_rid' | 'paywall_ent' | 'paywall_acct' | 'paywall_signin';

const ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' } as const;

/** Reads `__Host-<name>`; hono adds the prefix. */
export function readCookie(c: Context, name: CookieName): string | undefined {
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

/** The signed account key: this device is signed in until the cookie expires or sign-out. */
export function setAccountCookie(c: Context, sealed: string, maxAgeSeconds: number): void {
  setCookie(c, 'paywall_acct', sealed, { ...ATTRIBUTES, prefix: 'host', maxAge: maxAgeSeconds });
}

/**
 * The pending sign-in: which address key and which browser nonce a code was sent for. Strict:
 * only our own pages post the code form, so no other site can carry it along.
 */
export function setSignInCookie(c: Context, sealed: string, maxAgeSeconds: number): void {
  setCookie(c, 'paywall_signin', sealed, {
    ...ATTRIBUTES,
    sameSite: 'Strict',
    prefix: 'host',
    maxAge: maxAgeSeconds,
  });
}

export function clearCookie(c: Context, name: Exclude<CookieName, 'paywall_rid'>): void {
  deleteCookie(c, name, { ...ATTRIBUTES, prefix: 'host' });
}
