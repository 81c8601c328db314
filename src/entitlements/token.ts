import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import {
  ENTITLEMENT_ALG,
  ENTITLEMENT_TYP,
  KEY_REFERENCES,
  KID,
  MAX_TOKEN_BYTES,
} from '../contract/entitlement-token';
import { type EntClaim, type EntitlementClaims, entitlementClaimsSchema } from './claims';
import type { KeyRing } from './signing-keys';

export { ENTITLEMENT_TYP, MAX_TOKEN_BYTES };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface TokenPolicy {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  refreshHorizonSeconds: number;
  clockToleranceSeconds: number;
}

/**
 * Expected outcomes are values (docs/architecture.md convention 5); `expired` still carries
 * verified claims.
 */
export type TokenCheck =
  | { kind: 'valid'; claims: EntitlementClaims }
  | { kind: 'expired'; claims: EntitlementClaims }
  | { kind: 'invalid'; why: InvalidWhy };

export type InvalidWhy =
  | 'oversized'
  | 'malformed'
  | 'key_reference'
  | 'unknown_kid'
  | 'bad_signature_or_claims'
  | 'beyond_refresh_horizon';

export async function signEntitlement(
  ring: KeyRing,
  policy: TokenPolicy,
  subject: string,
  ent: EntClaim,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  // A token never outlives the entitlement it carries.
  const exp = Math.min(iat + policy.ttlSeconds, Math.max(ent.until, iat + 1));
  const token = await new SignJWT({ ent })
    .setProtectedHeader({ alg: ENTITLEMENT_ALG, kid: ring.signer.kid, typ: ENTITLEMENT_TYP })
    .setIssuer(policy.issuer)
    .setAudience(policy.audience)
    .setSubject(subject)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(ring.signer.key);
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * The one place a token is verified. Pinned: algorithm, issuer, audience, `typ`, required
 * claims, token age, small clock tolerance. Keys come only from our own key ring by `kid`.
 */
export async function verifyEntitlement(
  token: string,
  ring: KeyRing,
  policy: TokenPolicy,
  now: Date,
): Promise<TokenCheck> {
  if (token.length > MAX_TOKEN_BYTES) return { kind: 'invalid', why: 'oversized' };
  if (!COMPACT_JWS.test(token)) return { kind: 'invalid', why: 'malformed' };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return { kind: 'invalid', why: 'malformed' };
  }
  if (KEY_REFERENCES.some((name) => name in header))
    return { kind: 'invalid', why: 'key_reference' };
  const kid = header.kid;
  if (typeof kid !== 'string' || !KID.test(kid) || !ring.verifier(kid)) {
    return { kind: 'invalid', why: 'unknown_kid' };
  }

  try {
    const { payload } = await jwtVerify(token, ring.verifier(kid) as CryptoKey, {
      algorithms: [ENTITLEMENT_ALG],
      issuer: policy.issuer,
      audience: policy.audience,
      typ: ENTITLEMENT_TYP,
      requiredClaims: ['sub', 'iat', 'exp', 'jti', 'ent'],
      maxTokenAge: policy.ttlSeconds,
      clockTolerance: policy.clockToleranceSeconds,
      currentDate: now,
    });
    const claims = parseClaims(payload);
    return claims ? { kind: 'valid', claims } : { kind: 'invalid', why: 'bad_signature_or_claims' };
  } catch (error) {
    // jose checks the signature, issuer, audience and typ before time claims, so an
    // expiry error carries a payload we signed. It may be refreshed within the horizon.
    if (error instanceof errors.JWTExpired) return expired(error.payload, policy, now);
    return { kind: 'invalid', why: 'bad_signature_or_claims' };
  }
}

function expired(payload: JWTPayload, policy: TokenPolicy, now: Date): TokenCheck {
  const claims = parseClaims(payload);
  if (!claims) return { kind: 'invalid', why: 'bad_signature_or_claims' };
  const nowS = Math.floor(now.getTime() / 1000);
  if (claims.iat > nowS + policy.clockToleranceSeconds)
    return { kind: 'invalid', why: 'bad_signature_or_claims' };
  if (nowS - claims.iat > policy.refreshHorizonSeconds)
    return { kind: 'invalid', why: 'beyond_refresh_horizon' };
  return { kind: 'expired', claims };
}

function parseClaims(payload: unknown): EntitlementClaims | null {
  const result = entitlementClaimsSchema.safeParse(payload);
  return result.success ? result.data : null;
}
