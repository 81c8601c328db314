import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from 'jose';
import type { Entitlement } from '../schemas/access';

/** Pinned as the service pins them (src/entitlements/token.ts). */
const ALGORITHMS = ['EdDSA'];
const TYP = 'entitlement+jwt';
const CLOCK_TOLERANCE_SECONDS = 5;
/** Ours are about 500 bytes; anything far larger is refused before parsing. */
const MAX_TOKEN_BYTES = 8 * 1024;
const KINDS = new Set(['subscription', 'recurring_contribution', 'supporter_pass']);

export interface TokenVerifierOptions {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  fetch: typeof fetch;
  /** For fetching the key set: the same limit as an access call, so a down service costs one. */
  timeoutMs: number;
}

/** What a valid token says, in the access API's own `entitlement` shape. */
export type VerifiedEntitlement = Entitlement;

/**
 * Verifies entitlement tokens locally. jose's remote key set fetches the JWKS once, caches it
 * (10 minutes, refetching at most every 30 s when an unknown `kid` shows up after a key
 * rotation) and never follows `jku`/`x5u` from a token. Keep one verifier per isolate: the
 * cache is what makes a subscriber cost no call at all.
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  const keys = createRemoteJWKSet(options.jwksUrl, {
    [customFetch]: options.fetch,
    timeoutDuration: options.timeoutMs,
  });
  const verifyOptions = {
    algorithms: ALGORITHMS,
    typ: TYP,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };

  /** The entitlement, or null for anything not valid right now (expired, tampered, foreign). */
  return async function verify(token: string, now: Date): Promise<VerifiedEntitlement | null> {
    if (token.length > MAX_TOKEN_BYTES) return null;
    try {
      const { payload } = await jwtVerify(token, keys, { ...verifyOptions, currentDate: now });
      return entitlementOf(payload);
    } catch {
      // Invalid, expired, or the JWKS could not be fetched: the access API decides instead.
      return null;
    }
  };
}

function entitlementOf(payload: JWTPayload): VerifiedEntitlement | null {
  const ent = payload.ent as Record<string, unknown> | undefined;
  if (
    typeof payload.sub !== 'string' ||
    typeof payload.exp !== 'number' ||
    typeof ent !== 'object' ||
    ent === null ||
    typeof ent.kind !== 'string' ||
    !KINDS.has(ent.kind) ||
    typeof ent.plan !== 'string' ||
    typeof ent.status !== 'string' ||
    typeof ent.until !== 'number'
  ) {
    return null;
  }
  return {
    subscriberId: payload.sub,
    kind: ent.kind as VerifiedEntitlement['kind'],
    plan: ent.plan,
    status: ent.status,
    until: new Date(ent.until * 1000).toISOString(),
    expiresAt: new Date(payload.exp * 1000).toISOString(),
    token: null,
  };
}
