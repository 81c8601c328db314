import {
  ACCOUNT_COOKIE,
  ENTITLEMENT_COOKIE,
  MAX_ACCOUNT_COOKIE_LENGTH,
  MAX_READER_ID_LENGTH,
  READER_COOKIE,
  READER_COOKIE_MAX_AGE_SECONDS,
} from '../contract/cookies';
import { MAX_TOKEN_BYTES } from '../contract/entitlement-token';

/** The same attributes the service uses when it sits in front of the site. */
const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Lax';
/** Cookie values we set are base64url, dots and `~` (the account cookie); anything else is not ours. */
const COOKIE_VALUE = /^[A-Za-z0-9._~-]*$/;

export interface PaywallCookies {
  readerId?: string;
  token?: string;
  /** The account signed in on this device (`__Host-paywall_acct`, set by the sign-in pages). */
  account?: string;
  /** A token cookie too large to be ours: not sent on, and cleared. */
  oversizedToken?: boolean;
}

/**
 * Our cookies from a `Cookie` header (reader id, entitlement token, and the signed-in
 * account, which `decide` passes as `reader.account`); the site's own cookies are left
 * alone. Values the access API would refuse are dropped here, so a reader cannot turn a
 * decision into an error by crafting a cookie: an overlong reader id or account is treated
 * as none (a new reader, as clearing cookies would give), an oversized token as invalid.
 */
export function readPaywallCookies(header: string | null): PaywallCookies {
  const found: PaywallCookies = {};
  if (!header) return found;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!COOKIE_VALUE.test(value) || value === '') continue;
    // First occurrence wins, as in browsers' ordering (longest path first, then oldest).
    if (name === READER_COOKIE) {
      if (value.length <= MAX_READER_ID_LENGTH) found.readerId ??= value;
    } else if (name === ACCOUNT_COOKIE) {
      if (value.length <= MAX_ACCOUNT_COOKIE_LENGTH) found.account ??= value;
    } else if (name === ENTITLEMENT_COOKIE) {
      if (value.length <= MAX_TOKEN_BYTES) found.token ??= value;
      else found.oversizedToken = true;
    }
  }
  return found;
}

/** `Set-Cookie` for the signed reader id (400 days). */
export function readerCookie(readerId: string): string {
  return `${READER_COOKIE}=${readerId}; Max-Age=${READER_COOKIE_MAX_AGE_SECONDS}; ${ATTRIBUTES}`;
}

/** `Set-Cookie` for a new or refreshed entitlement token. */
export function entitlementCookie(token: string, maxAgeSeconds: number): string {
  return `${ENTITLEMENT_COOKIE}=${token}; Max-Age=${maxAgeSeconds}; ${ATTRIBUTES}`;
}

/** `Set-Cookie` that deletes the entitlement cookie (invalid, revoked or oversized). */
export function clearEntitlementCookie(): string {
  return `${ENTITLEMENT_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** `Set-Cookie` that deletes the account cookie (its sign-in has ended). */
export function clearAccountCookie(): string {
  return `${ACCOUNT_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;
}
