/**
 * The entitlement token's contract, shared by the service (which signs and verifies) and the
 * edge-middleware client (which verifies locally). No zod here: the client's bundle stays
 * small, and both sides read the very same values.
 */
export const ENTITLEMENT_ALG = 'EdDSA';
export const ENTITLEMENT_TYP = 'entitlement+jwt';
/** Larger tokens are refused before any parsing: ours are about 500 bytes. */
export const MAX_TOKEN_BYTES = 8 * 1024;
export const KID = /^[A-Za-z0-9._-]{1,64}$/;
/** Header parameters that point at keys elsewhere. Never followed; a token with one is refused. */
export const KEY_REFERENCES = ['jku', 'x5u', 'jwk', 'x5c'] as const;
/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Defaults of `ENTITLEMENT_ISSUER` and `ENTITLEMENT_AUDIENCE`. */
export const DEFAULT_ISSUER = 'urn:edge-paywall';
export const DEFAULT_AUDIENCE = 'urn:edge-paywall:site';

export const ENTITLEMENT_KINDS = [
  'subscription',
  'recurring_contribution',
  'supporter_pass',
] as const;

/** Stripe's subscription statuses, plus `refunded` for a one-time pass that was refunded. */
export const BILLING_STATUSES = [
  'active',
  'trialing',
  'past_due',
  'canceled',
  'unpaid',
  'incomplete',
  'incomplete_expired',
  'paused',
  'refunded',
] as const;
