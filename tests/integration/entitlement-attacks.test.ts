import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { newSubscriberId } from '../../src/entitlements/record';
import { MAX_TOKEN_FIELD_LENGTH } from '../../src/schemas/access';
import {
  decideWithToken,
  genuineClaims,
  retiredKey,
  seedSubscriber,
  signingKeys,
  signWith,
} from '../support/entitlements';
import { type AccessBody, accessRequest, articleId, callWorker } from '../support/worker';

// Every token here is refused as a subscriber, with a 200 (the reader falls back to the
// meter and is told to drop the cookie) and never a 5xx. The claims name a subscriber whose
// record is active, so a check that wrongly fell through to the refresh path would grant
// access and fail the test.

const nowS = () => Math.floor(Date.now() / 1000);
const b64url = (text: string) =>
  btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const key = () => {
  const k = signingKeys()[0];
  if (!k) throw new Error('no signing key');
  return k;
};

let sub = '';
let genuine = '';
beforeAll(async () => {
  sub = (await seedSubscriber()).record.subscriberId;
  genuine = await signWith(key(), genuineClaims(sub));
});

async function expectRefused(token: string): Promise<AccessBody> {
  const response = await decideWithToken(callWorker, token);
  expect(response.status).toBe(200);
  const body = (await response.json()) as AccessBody;
  expect(body.reason).not.toBe('subscriber');
  expect(body.entitlement).toBeNull();
  expect(body.reader.clearToken).toBe(true);
  return body;
}

function unsigned(header: Record<string, unknown>, claims: JWTPayload, signature = ''): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

describe('control', () => {
  it('the genuine token is accepted (so every refusal below is meaningful)', async () => {
    const body = (await (await decideWithToken(callWorker, genuine)).json()) as AccessBody;
    expect(body.reason).toBe('subscriber');
  });
});

describe('algorithm confusion', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, with and without a signature', async (alg) => {
    const header = { alg, typ: 'entitlement+jwt', kid: key().kid };
    await expectRefused(unsigned(header, genuineClaims(sub)));
    await expectRefused(unsigned(header, genuineClaims(sub), b64url('sig')));
  });

  it('HS256 signed with the public key (its raw bytes, or its JWK text)', async () => {
    const raw = Uint8Array.from(atob(key().x.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    const pub = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: key().x });
    for (const secret of [raw, new TextEncoder().encode(pub)]) {
      const token = await new SignJWT(genuineClaims(sub))
        .setProtectedHeader({ alg: 'HS256', typ: 'entitlement+jwt', kid: key().kid })
        .sign(secret);
      await expectRefused(token);
    }
  });

  it('an algorithm off the allow-list (ES256 with our kid; our key under the Ed25519 label)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expectRefused(
      await new SignJWT(genuineClaims(sub))
        .setProtectedHeader({ alg: 'ES256', typ: 'entitlement+jwt', kid: key().kid })
        .sign(privateKey),
    );
    await expectRefused(await signWith(key(), genuineClaims(sub), { alg: 'Ed25519' }));
  });
});

describe('integrity', () => {
  it('a tampered payload', async () => {
    const [h, , s] = genuine.split('.');
    const richer = genuineClaims(sub, {
      ent: { kind: 'subscription', plan: 'yearly', status: 'active', until: nowS() + 999_999 },
    });
    await expectRefused(`${h}.${b64url(JSON.stringify(richer))}.${s}`);
  });

  it('a stripped signature', async () => {
    const [h, p] = genuine.split('.');
    await expectRefused(`${h}.${p}.`);
    await expectRefused(`${h}.${p}`);
  });

  it('2 or 4 segments, or characters outside base64url', async () => {
    const [h, p, s] = genuine.split('.') as [string, string, string];
    for (const token of [
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}+/`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s} `,
      '...',
      'not a token',
    ]) {
      await expectRefused(token);
    }
  });

  it('a token from a rotated-out key (no longer published)', async () => {
    await expectRefused(await signWith(retiredKey(), genuineClaims(sub)));
  });

  it('an unknown critical header, signed by our own key', async () => {
    // jose refuses to sign an unknown `crit`, so sign the bytes directly; the same signing
    // without `crit` is accepted, so only the header makes the difference.
    const privateKey = (await importJWK(key(), 'EdDSA')) as CryptoKey;
    const rawSign = async (header: Record<string, unknown>) => {
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(genuineClaims(sub)))}`;
      const sig = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(input));
      return `${input}.${b64url(String.fromCharCode(...new Uint8Array(sig)))}`;
    };
    const header = { alg: 'EdDSA', typ: 'entitlement+jwt', kid: key().kid };
    const control = await decideWithToken(callWorker, await rawSign(header));
    expect(((await control.json()) as AccessBody).reason).toBe('subscriber');
    await expectRefused(await rawSign({ ...header, crit: ['x-policy'], 'x-policy': 1 }));
  });
});

describe('time', () => {
  it('exp just inside the clock tolerance passes; just past it is refused', async () => {
    const stranger = newSubscriberId(); // no record: an expired token cannot be refreshed
    const inside = await signWith(
      key(),
      genuineClaims(stranger, { iat: nowS() - 900, exp: nowS() - 2 }),
    );
    const body = (await (await decideWithToken(callWorker, inside)).json()) as AccessBody;
    expect(body.reason).toBe('subscriber');
    await expectRefused(
      await signWith(key(), genuineClaims(stranger, { iat: nowS() - 900, exp: nowS() - 8 })),
    );
  });

  it('a future nbf, and a future iat', async () => {
    await expectRefused(await signWith(key(), genuineClaims(sub, { nbf: nowS() + 120 })));
    await expectRefused(
      await signWith(key(), genuineClaims(sub, { iat: nowS() + 120, exp: nowS() + 1000 })),
    );
    // Also when exp has passed, so the refresh path sees it too.
    await expectRefused(
      await signWith(key(), genuineClaims(sub, { iat: nowS() + 120, exp: nowS() - 60 })),
    );
  });
});

describe('claims and header', () => {
  it.each([
    ['a wrong aud', { aud: 'https://other-site.example' }],
    ['a wrong iss', { iss: 'https://evil.example' }],
    ['no sub', { sub: undefined }],
    ['no jti', { jti: undefined }],
    ['no ent', { ent: undefined }],
    ['a malformed ent', { ent: { kind: 'lifetime', plan: 'x', status: 'active', until: 1 } }],
  ])('%s', async (_, overrides) => {
    await expectRefused(await signWith(key(), genuineClaims(sub, overrides as JWTPayload)));
  });

  it.each([['JWT'], ['at+jwt'], [undefined]])('typ %s', async (typ) => {
    await expectRefused(await signWith(key(), genuineClaims(sub), { typ }));
  });

  it.each([
    ['a path', '../../etc/passwd'],
    ['SQL', "' OR 1=1; DROP TABLE keys; --"],
    // Long enough to pass the 8 KB token bound only by its kid, short enough for the body's
    // token field (a longer token is a 400: 'a 1 MB token is refused…' below).
    ['8 KB', 'k'.repeat(8 * 1024)],
    ['missing', undefined],
    ['an unknown kid', 'ent-2020-01-01-deadbeef'],
  ])('kid: %s', async (_, kid) => {
    await expectRefused(await signWith(key(), genuineClaims(sub), { kid }));
  });
});

describe('key references are never followed', () => {
  const canaryHits = async () =>
    ((await (await fetch(`${env.TEST_CANARY_URL}/__count`)).json()) as { hits: number }).hits;

  it('jku, x5u and an embedded jwk: refused, with zero outbound fetches', async () => {
    const before = await canaryHits();
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const sign = (header: Record<string, unknown>) =>
      new SignJWT(genuineClaims(sub))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'entitlement+jwt', ...header })
        .sign(attacker.privateKey);

    await expectRefused(await sign({ kid: key().kid, jku: `${env.TEST_CANARY_URL}/jwks.json` }));
    await expectRefused(await sign({ kid: key().kid, x5u: `${env.TEST_CANARY_URL}/cert.pem` }));
    await expectRefused(await sign({ kid: key().kid, jwk: attackerJwk }));
    await expectRefused(await sign({ jwk: attackerJwk }));
    // Even signed by our own key, a key reference is refused rather than ignored.
    await expectRefused(
      await signWith(key(), genuineClaims(sub), { jku: `${env.TEST_CANARY_URL}/jwks.json` }),
    );

    expect(await canaryHits()).toBe(before);
  });
});

describe('size', () => {
  it('a token over 8 KB is refused before parsing', async () => {
    const padded = await signWith(key(), genuineClaims(sub, { pad: 'p'.repeat(6 * 1024) }));
    expect(padded.length).toBeGreaterThan(8 * 1024);
    expect(padded.length).toBeLessThanOrEqual(MAX_TOKEN_FIELD_LENGTH);
    await expectRefused(padded);
  });

  it('a 1 MB token is refused with a 400 envelope, not a 5xx', async () => {
    const huge = `${'a'.repeat(1024 * 1024)}.b.c`;
    const response = await callWorker(
      accessRequest({ article: { id: articleId() }, reader: { token: huge } }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_request',
    );
  });
});

describe('no 5xx from any token-shaped input', () => {
  it('random junk in every segment', async () => {
    const junk = ['', 'e30', 'bnVsbA', 'W10', 'MTIz', 'InN0ciI', '_-_-'];
    for (const h of junk) {
      for (const p of junk) {
        const response = await decideWithToken(callWorker, `${h}.${p}.${b64url('x')}`);
        expect(response.status).toBe(200);
      }
    }
  });

  it('an importable but wrong key type under our kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT(genuineClaims(sub))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'entitlement+jwt', kid: key().kid })
      .sign(privateKey);
    await expectRefused(token);
    expect(await importJWK({ ...key() }, 'EdDSA')).toBeTruthy(); // our key is fine
  });
});
