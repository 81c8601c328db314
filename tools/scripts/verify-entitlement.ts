import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * What any site can do with no secret and no call per request: verify an entitlement token
 * knowing only the JWKS URL (jose caches the key set).
 *   npx tsx tools/scripts/verify-entitlement.ts http://127.0.0.1:8787/.well-known/jwks.json <token>
 * Issuer and audience default to the local ones from wrangler.toml.
 */
const [jwksUrl, token] = process.argv.slice(2);
if (!jwksUrl || !token) {
  console.error('usage: verify-entitlement <jwks-url> <token> [issuer] [audience]');
  process.exit(2);
}
const issuer = process.argv[4] ?? 'urn:edge-paywall';
const audience = process.argv[5] ?? 'urn:edge-paywall:site';
try {
  const { payload, protectedHeader } = await jwtVerify(
    token,
    createRemoteJWKSet(new URL(jwksUrl)),
    {
      algorithms: ['EdDSA'],
      typ: 'entitlement+jwt',
      issuer,
      audience,
    },
  );
  console.log(JSON.stringify({ valid: true, kid: protectedHeader.kid, payload }, null, 2));
} catch (error) {
  console.log(JSON.stringify({ valid: false, error: (error as Error).message }));
  process.exit(1);
}
