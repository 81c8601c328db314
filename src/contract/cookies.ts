/**
 * Cookie names are part of the v1 contract: the service sets them when it sits in front of
 * the site, and the edge-middleware client (src/client) reads and sets the same ones on the
 * site's own domain. `__Host-` prefixed: Secure, Path=/, no Domain, so no other subdomain can
 * set or read them; HttpOnly so page scripts cannot either.
 */
export const READER_COOKIE = '__Host-paywall_rid';
export const ENTITLEMENT_COOKIE = '__Host-paywall_ent';
/** The signed-in account on this device (set by the e-mailed-code sign-in, cleared by sign-out). */
export const ACCOUNT_COOKIE = '__Host-paywall_acct';
/** Binds a pending sign-in code to the browser that asked for it (10 minutes). */
export const SIGN_IN_COOKIE = '__Host-paywall_signin';

/** Browsers cap cookie lifetimes at 400 days; the reader id lives that long. */
export const READER_COOKIE_MAX_AGE_SECONDS = 400 * 86_400;

/**
 * The longest reader id the access API accepts (`reader.id`). Ours are 66 characters, or at
 * most 400 when they carry the meter's state (src/meter/carried.ts).
 */
export const MAX_READER_ID_LENGTH = 512;

/** The longest account cookie the access API accepts (`reader.account`); ours are 66 characters. */
export const MAX_ACCOUNT_COOKIE_LENGTH = 256;
