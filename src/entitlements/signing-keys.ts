import { type CryptoKey, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { ENTITLEMENT_ALG, KID } from '../contract/entitlement-token';

/**
 * Ed25519 signing keys, from the ENTITLEMENT_SIGNING_KEYS secret: a JSON array of private
 * JWKs, each with a `kid`. The first key signs; every key in the list verifies and is
 * published in the JWKS. Rotation is therefore: add the new key second (published, not yet
 * signing), wait for JWKS caches (5 minutes), move it first, and drop the old key once the
 * refresh horizon has passed, so no reader is logged out by a rotation.
 */
export { ENTITLEMENT_ALG, KID };

const b64url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a 32-byte base64url value');

export const privateJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: b64url32,
  d: b64url32,
  kid: z.string().regex(KID, 'kid: 1-64 letters, digits, ".", "_" or "-"'),
});

export const signingKeysSchema = z
  .array(privateJwkSchema)
  .min(1, 'at least one signing key')
  .max(10)
  .refine((keys) => new Set(keys.map((k) => k.kid)).size === keys.length, 'kids must be unique');

export type PrivateJwk = z.infer<typeof privateJwkSchema>;

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof ENTITLEMENT_ALG;
  use: 'sig';
}

export interface KeyRing {
  signer: { kid: string; key: CryptoKey };
  /** Only keys we hold: a token naming any other kid is refused, never fetched. */
  verifier(kid: string): CryptoKey | undefined;
  jwks: { keys: PublicJwk[] };
}

export function publicJwk(key: PrivateJwk): PublicJwk {
  // Built field by field so the private part (`d`) can never leak into the JWKS.
  return { kty: 'OKP', crv: 'Ed25519', x: key.x, kid: key.kid, alg: ENTITLEMENT_ALG, use: 'sig' };
}

export async function loadKeyRing(keys: readonly PrivateJwk[]): Promise<KeyRing> {
  const [first] = keys;
  if (!first) throw new Error('no signing key');
  const verifiers = new Map<string, CryptoKey>();
  for (const key of keys) {
    const pub = publicJwk(key);
    verifiers.set(key.kid, (await importJWK(pub as JWK, ENTITLEMENT_ALG)) as CryptoKey);
  }
  const signer = (await importJWK(first as JWK, ENTITLEMENT_ALG)) as CryptoKey;
  return {
    signer: { kid: first.kid, key: signer },
    verifier: (kid) => verifiers.get(kid),
    jwks: { keys: keys.map(publicJwk) },
  };
}
