import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EntClaim } from '../../../src/entitlements/claims';
import { type KeyRing, loadKeyRing, type PrivateJwk } from '../../../src/entitlements/signing-keys';
import {
  ENTITLEMENT_TYP,
  MAX_TOKEN_BYTES,
  signEntitlement,
  type TokenPolicy,
  verifyEntitlement,
} from '../../../src/entitlements/token';

// The entitlement token in isolation: real Ed25519 keys (WebCrypto), real jose, a fixed
// clock passed in. What is signed, and every way verification says no. The worker-level
// attacks (through the access API, the JWKS, a canary for key references) are
// tests/integration/entitlement-attacks.test.ts.

const policy: TokenPolicy = {
  issuer: 'https://paywall.test',
  audience: 'https://site.test',
  ttlSeconds: 3600,
  refreshHorizonSeconds: 30 * 86_400,
  clockToleranceSeconds: 5,
};
const NOW = new Date('2026-11-27T12:00:00Z');
const nowS = NOW.getTime() / 1000;
const at = (seconds: number) => new Date((nowS + seconds) * 1000);
const SUBJECT = 'sbr_AAAAAAAAAAAAAAAAAAAAAA';
const ent: EntClaim = {
  kind: 'subscription',
  plan: 'monthly',
  status: 'active',
  until: nowS + 30 * 86_400,
};

async function newKey(): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `test-${crypto.randomUUID()}`;
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), d: String(jwk.d), kid };
}

let first: PrivateJwk;
let second: PrivateJwk;
let ring: KeyRing;

beforeAll(async () => {
  [first, second] = await Promise.all([newKey(), newKey()]);
  ring = await loadKeyRing([first, second]);
});

const sign = (over: { ent?: typeof ent; now?: Date; ring?: KeyRing } = {}) =>
  signEntitlement(over.ring ?? ring, policy, SUBJECT, over.ent ?? ent, over.now ?? NOW);

/** A token we did not mint through signEntitlement: any header and claims, any key. */
async function forge(
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
  key: CryptoKey | Uint8Array = ring.signer.key,
) {
  const iat = nowS;
  return new SignJWT({
    iss: policy.issuer,
    aud: policy.audience,
    sub: SUBJECT,
    iat,
    exp: iat + policy.ttlSeconds,
    jti: crypto.randomUUID(),
    ent,
    ...claims,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: first.kid, typ: ENTITLEMENT_TYP, ...header })
    .sign(key);
}

describe('signEntitlement', () => {
  it('signs the subject and its entitlement with the first key, pinned header and claims', async () => {
    const { token, expiresAt } = await sign();
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'EdDSA',
      kid: first.kid,
      typ: 'entitlement+jwt',
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: policy.issuer,
      aud: policy.audience,
      sub: SUBJECT,
      iat: nowS,
      exp: nowS + policy.ttlSeconds,
      ent,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(expiresAt).toEqual(at(policy.ttlSeconds));
    expect(token.length).toBeLessThan(1024);
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([sign(), sign()]);
    expect(decodeJwt(a.token).jti).not.toBe(decodeJwt(b.token).jti);
  });

  it('never outlives the entitlement it carries', async () => {
    const ending = { ...ent, until: nowS + 600 };
    const soon = await sign({ ent: ending });
    expect(decodeJwt(soon.token).exp).toBe(nowS + 600);
    expect(soon.expiresAt).toEqual(at(600));
    // An entitlement already over still gets a token that is valid for one second at most.
    const over = await sign({ ent: { ...ent, until: nowS - 86_400 } });
    expect(decodeJwt(over.token).exp).toBe(nowS + 1);
  });
});

describe('verifyEntitlement: what it accepts', () => {
  it('a token it signed is valid, with its claims', async () => {
    const { token } = await sign();
    const check = await verifyEntitlement(token, ring, policy, NOW);
    expect(check.kind).toBe('valid');
    expect(check.kind === 'valid' && check.claims).toMatchObject({ sub: SUBJECT, ent });
  });

  it('a token signed by a key that is no longer first still verifies (rotation)', async () => {
    const { token } = await sign();
    const rotated = await loadKeyRing([second, first]);
    expect((await verifyEntitlement(token, rotated, policy, NOW)).kind).toBe('valid');
    // …and what the new first key signs verifies on a ring that has not moved it first yet.
    const fresh = await sign({ ring: rotated });
    expect((await verifyEntitlement(fresh.token, ring, policy, NOW)).kind).toBe('valid');
  });

  it('tolerates the configured clock skew, and no more', async () => {
    const { token } = await sign();
    const exp = policy.ttlSeconds;
    const tolerance = policy.clockToleranceSeconds;
    expect((await verifyEntitlement(token, ring, policy, at(exp + tolerance - 1))).kind).toBe(
      'valid',
    );
    expect((await verifyEntitlement(token, ring, policy, at(exp + tolerance))).kind).toBe(
      'expired',
    );
    // Issued a little in the future (the signer's clock ahead of ours).
    const ahead = await sign({ now: at(tolerance) });
    expect((await verifyEntitlement(ahead.token, ring, policy, NOW)).kind).toBe('valid');
  });
});

describe('verifyEntitlement: expired tokens', () => {
  it('an expired token within the refresh horizon is `expired`, with its verified claims', async () => {
    const { token } = await sign();
    const check = await verifyEntitlement(token, ring, policy, at(7 * 86_400));
    expect(check).toMatchObject({ kind: 'expired', claims: { sub: SUBJECT, ent } });
  });

  it('beyond the refresh horizon (counted from iat) it is refused', async () => {
    const { token } = await sign();
    const horizon = policy.refreshHorizonSeconds;
    expect((await verifyEntitlement(token, ring, policy, at(horizon))).kind).toBe('expired');
    expect(await verifyEntitlement(token, ring, policy, at(horizon + 1))).toEqual({
      kind: 'invalid',
      why: 'beyond_refresh_horizon',
    });
  });

  it('a token older than its lifetime is not valid even if its exp says so', async () => {
    const token = await forge({ iat: nowS - 2 * policy.ttlSeconds, exp: nowS + 600 });
    expect((await verifyEntitlement(token, ring, policy, NOW)).kind).toBe('expired');
  });

  it('an expired token that claims to be issued in the future is refused', async () => {
    const token = await forge({ iat: nowS + 600, exp: nowS - 60 });
    expect(await verifyEntitlement(token, ring, policy, NOW)).toEqual({
      kind: 'invalid',
      why: 'bad_signature_or_claims',
    });
  });

  it('an expired token with another signature is not `expired`: it is refused', async () => {
    const other = await loadKeyRing([{ ...(await newKey()), kid: first.kid }]);
    const { token } = await sign({ ring: other });
    expect(await verifyEntitlement(token, ring, policy, at(7 * 86_400))).toEqual({
      kind: 'invalid',
      why: 'bad_signature_or_claims',
    });
  });
});

describe('verifyEntitlement: what it refuses, and why', () => {
  const why = async (token: string) => {
    const check = await verifyEntitlement(token, ring, policy, NOW);
    return check.kind === 'invalid' ? check.why : check.kind;
  };

  it('refuses an oversized token before parsing it', async () => {
    expect(await why('a'.repeat(MAX_TOKEN_BYTES + 1))).toBe('oversized');
    const { token } = await sign();
    expect(await why(`${token}${'A'.repeat(MAX_TOKEN_BYTES)}`)).toBe('oversized');
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['an unsigned token (alg none)', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['padding', 'eyJhbGciOiJFZERTQSJ9.e30=.c2ln'],
    ['whitespace', 'eyJhbGciOiJFZERTQSJ9 .e30.c2ln'],
    ['a header that is not JSON', `${base64url.encode('not json')}.e30.c2ln`],
    ['a header that is not base64url JSON', 'AAAA.e30.c2ln'],
  ])('refuses a malformed token: %s', async (_, token) => {
    expect(await why(token)).toBe('malformed');
  });

  it.each(['jku', 'x5u', 'jwk', 'x5c'])(
    'refuses a header naming a key elsewhere: %s',
    async (name) => {
      const value =
        name === 'jwk' ? { kty: 'OKP', crv: 'Ed25519', x: first.x } : 'https://x.test/k';
      const token = await forge({}, { [name]: name === 'x5c' ? ['AAAA'] : value });
      expect(await why(token)).toBe('key_reference');
    },
  );

  it.each([
    ['a kid we do not hold', { kid: 'someone-else' }],
    ['no kid', { kid: undefined }],
    ['a kid that is not a key id', { kid: '../../etc/passwd' }],
    ['a kid over 64 characters', { kid: 'k'.repeat(65) }],
    ['a numeric kid', { kid: 7 as unknown as string }],
  ])('refuses %s', async (_, header) => {
    expect(await why(await forge({}, header))).toBe('unknown_kid');
  });

  it('refuses a signature by another key under our kid', async () => {
    const stranger = await loadKeyRing([{ ...(await newKey()), kid: first.kid }]);
    expect(await why(await forge({}, {}, stranger.signer.key))).toBe('bad_signature_or_claims');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const { token } = await sign();
    const [header, , signature] = token.split('.');
    const payload = decodeJwt(token);
    const richer = base64url.encode(
      JSON.stringify({ ...payload, ent: { ...ent, until: nowS + 10 * 365 * 86_400 } }),
    );
    expect(await why(`${header}.${richer}.${signature}`)).toBe('bad_signature_or_claims');
  });

  it('refuses an HMAC token keyed with our public key (algorithm confusion)', async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(ring.jwks.keys[0]));
    const token = await forge({}, { alg: 'HS256' }, publicKeyBytes);
    expect(await why(token)).toBe('bad_signature_or_claims');
  });

  it.each<[string, JWTPayload, Partial<JWTHeaderParameters>]>([
    ['another issuer', { iss: 'https://evil.test' }, {}],
    ['another audience', { aud: 'https://other-site.test' }, {}],
    ['another typ', {}, { typ: 'JWT' }],
    ['no typ', {}, { typ: undefined }],
    ['no jti', { jti: undefined }, {}],
    ['no ent', { ent: undefined }, {}],
    ['no sub', { sub: undefined }, {}],
    ['a sub that is not a subscriber id', { sub: 'user@example.com' }, {}],
    ['an ent of another kind', { ent: { ...ent, kind: 'lifetime' } }, {}],
    ['an ent with a fractional until', { ent: { ...ent, until: 1.5 } }, {}],
    ['an over-long jti', { jti: 'j'.repeat(65) }, {}],
    ['not before the future', { nbf: nowS + 600 }, {}],
  ])('refuses %s', async (_, claims, header) => {
    expect(await why(await forge(claims, header))).toBe('bad_signature_or_claims');
  });

  it('the same forged claims, correctly formed, are valid: the refusals above are real', async () => {
    expect(await why(await forge({}))).toBe('valid');
  });
});
