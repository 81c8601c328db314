import { exportJWK, generateKeyPair } from 'jose';

/** A new Ed25519 private JWK with a dated, random `kid`, for ENTITLEMENT_SIGNING_KEYS. */
export async function newSigningKey(now = new Date()): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const suffix = crypto.randomUUID().slice(0, 8);
  const kid = `ent-${now.toISOString().slice(0, 10)}-${suffix}`;
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), d: String(jwk.d), kid };
}
