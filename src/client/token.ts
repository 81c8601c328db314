import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import {
  BILLING_STATUSES,
  CLOCK_TOLERANCE_SECONDS,
  ENTITLEMENT_ALG,
  ENTITLEMENT_KINDS,
  ENTITLEMENT_TYP,
  KEY_REFERENCES,
  KID,
  MAX_TOKEN_BYTES,
} from '../contract/entitlement-token';
import type { Entitlement } from '../schemas/access';

/** The service's JWKS `max-age`: keys are published this long before they sign. */
const JWKS_CACHE_MAX_AGE_MS = 300_000;
/** After a failed key-set fetch, the last good keys serve this long before we try again. */
const RETRY_FETCH_AFTER_MS = 30_000;
const KINDS: ReadonlySet<string> = new Set(ENTITLEMENT_KINDS);
const STATUSES: ReadonlySet<string> = new Set(BILLING_STATUSES);

export interface TokenVerifierOptions {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  fetch: typeof fetch;
  /** For fetching the key set: the same limit as an access call. */
  timeoutMs: number;
  /** How long a fetched key set is trusted before it is fetched again. Default 5 minutes. */
  cacheMaxAgeMs?: number;
  now: () => Date;
}

/** What a valid token says, in the access API's own `entitlement` shape. */
export type VerifiedEntitlement = Entitlement;

/**
 * Verifies entitlement tokens locally, pinned as the service pins them
 * (src/entitlements/token.ts): EdDSA, `typ`, issuer, audience, required claims, a `kid` from
 * the service's key set, no key references. Keep one verifier per isolate: its key cache is
 * what makes a subscriber cost no call at all.
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  const keys = keySet(options);
  const verifyOptions = {
    algorithms: [ENTITLEMENT_ALG],
    typ: ENTITLEMENT_TYP,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };

  /** The entitlement, or null for anything not valid right now (expired, tampered, foreign). */
  return async function verify(token: string): Promise<VerifiedEntitlement | null> {
    if (token.length > MAX_TOKEN_BYTES) return null;
    try {
      const header = decodeProtectedHeader(token) as Record<string, unknown>;
      if (KEY_REFERENCES.some((name) => name in header)) return null;
      if (typeof header.kid !== 'string' || !KID.test(header.kid)) return null;
      const { payload } = await jwtVerify(token, keys, {
        ...verifyOptions,
        currentDate: options.now(),
      });
      return entitlementOf(payload);
    } catch {
      // Malformed, invalid, expired, or no key to check it with: the access API decides.
      return null;
    }
  };
}

/**
 * jose's remote key set (fetched once, cached, refetched when an unknown `kid` shows up after
 * a rotation), plus a memory of the last good set: jose drops its cache once it is stale, and
 * while the service is unreachable the keys we last saw still verify (a key is retired only
 * after the refresh horizon). So subscribers keep reading through an outage, and after a
 * failed fetch we wait before trying again rather than making every subscriber wait.
 */
function keySet(options: TokenVerifierOptions) {
  const remote = createRemoteJWKSet(options.jwksUrl, {
    [customFetch]: options.fetch,
    timeoutDuration: options.timeoutMs,
    cacheMaxAge: options.cacheMaxAgeMs ?? JWKS_CACHE_MAX_AGE_MS,
  });
  let lastGood:
    | { jwks: JSONWebKeySet; local: ReturnType<typeof createLocalJWKSet>; at: number }
    | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;

  return async (header: JWSHeaderParameters, token: Parameters<typeof remote>[1]) => {
    const now = options.now().getTime();
    if (lastGood && !remote.fresh && now - failedAt < RETRY_FETCH_AFTER_MS) {
      return lastGood.local(header, token);
    }
    try {
      const key = await remote(header, token);
      // `jwks()` is a copy: take one now and then, not on every verification.
      if (!lastGood || now - lastGood.at > RETRY_FETCH_AFTER_MS) {
        const jwks = remote.jwks();
        if (jwks) lastGood = { jwks, local: createLocalJWKSet(jwks), at: now };
      }
      return key;
    } catch (error) {
      const unreachable = !(
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      );
      if (!lastGood || !unreachable) throw error;
      failedAt = now;
      return lastGood.local(header, token);
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
    !STATUSES.has(ent.status) ||
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
