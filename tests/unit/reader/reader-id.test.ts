import { describe, expect, it } from 'vitest';
import { createReaderIdSigner } from '../../../src/reader/reader-id';

// Reader ids, pseudonyms and sealed values: real HMAC-SHA256 (WebCrypto), a fresh random
// secret per test, so nothing here can pass by sharing a key cache entry with another test.

const secret = () => crypto.randomUUID() + crypto.randomUUID();
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The same token with one character of its signature changed (one that carries bits). */
const flipSignature = (token: string) => {
  const dot = token.lastIndexOf('.');
  const first = token[dot + 1];
  return `${token.slice(0, dot + 1)}${first === 'A' ? 'B' : 'A'}${token.slice(dot + 2)}`;
};

describe('issue and verify', () => {
  it('issues a 128-bit id and a token `<22 chars>.<43 chars>` that verifies to it', async () => {
    const signer = createReaderIdSigner(secret());
    const { id, token } = await signer.issue();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(await signer.verify(token)).toBe(id);
  });

  it('issues a different id every time', async () => {
    const signer = createReaderIdSigner(secret());
    const ids = await Promise.all(Array.from({ length: 50 }, () => signer.issue()));
    expect(new Set(ids.map((x) => x.id)).size).toBe(50);
  });

  it('a token verifies under the same secret in another signer, and under no other secret', async () => {
    const s = secret();
    const { id, token } = await createReaderIdSigner(s).issue();
    expect(await createReaderIdSigner(s).verify(token)).toBe(id);
    expect(await createReaderIdSigner(secret()).verify(token)).toBeNull();
  });

  it('refuses an id we did not sign, however it is spelled', async () => {
    const signer = createReaderIdSigner(secret());
    const { id, token } = await signer.issue();
    const other = await signer.issue();
    const [, sig] = token.split('.') as [string, string];
    for (const forged of [
      flipSignature(token),
      `${other.id}.${sig}`, // another id with this signature
      `${id}.${other.token.split('.')[1]}`, // this id with another's signature
      id,
      `${id}.`,
      `${token}A`,
      token.slice(0, -1),
      ` ${token}`,
      token.toUpperCase(),
      `${id}.${'A'.repeat(43)}`,
      `${id}.${sig.replace(/[A-Za-z]/, '+')}`,
      encodeURIComponent(`${id}+.${sig}`),
      '',
    ]) {
      expect(await signer.verify(forged)).toBeNull();
    }
    // The genuine one still passes after all that.
    expect(await signer.verify(token)).toBe(id);
  });
});

describe('pseudonym and derive', () => {
  it('are stable for a value, 128 bits in base64url, and differ per secret', async () => {
    const s = secret();
    const a = createReaderIdSigner(s);
    const b = createReaderIdSigner(s);
    const p = await a.pseudonym('user-42');
    expect(p).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await b.pseudonym('user-42')).toBe(p);
    expect(await a.pseudonym('user-43')).not.toBe(p);
    expect(await createReaderIdSigner(secret()).pseudonym('user-42')).not.toBe(p);
  });

  it('keep domains apart: the same value gives another pseudonym in another domain', async () => {
    const signer = createReaderIdSigner(secret());
    const value = 'cus_123';
    const results = await Promise.all([
      signer.derive('stripe1', value),
      signer.derive('addr1', value),
      signer.derive('stripe2', value),
      signer.pseudonym(value),
    ]);
    expect(new Set(results).size).toBe(4);
    for (const r of results) expect(r).toMatch(B64URL);
    // A site user id is the `uid1` domain.
    expect(await signer.derive('uid1', value)).toBe(await signer.pseudonym(value));
  });

  it('never reveal the value', async () => {
    const signer = createReaderIdSigner(secret());
    const value = 'reader@example.com';
    const derived = await signer.derive('addr1', value);
    expect(derived).not.toContain('reader');
    expect(derived).not.toContain('example');
  });
});

describe('seal and open', () => {
  it('open gives back exactly the value seal was given', async () => {
    const signer = createReaderIdSigner(secret());
    for (const value of ['abc', 'A-b_c~123', 'x', 'k'.repeat(200)]) {
      const sealed = await signer.seal('acct1', value);
      expect(sealed).toMatch(/^[A-Za-z0-9_~-]+\.[A-Za-z0-9_-]{43}$/);
      expect(sealed.startsWith(`${value}.`)).toBe(true);
      expect(await signer.open('acct1', sealed)).toBe(value);
    }
  });

  it('a sealed value opens only in its own domain and under its own secret', async () => {
    const s = secret();
    const sealed = await createReaderIdSigner(s).seal('acct1', 'key~nonce');
    expect(await createReaderIdSigner(s).open('acct1', sealed)).toBe('key~nonce');
    expect(await createReaderIdSigner(s).open('signin1', sealed)).toBeNull();
    expect(await createReaderIdSigner(secret()).open('acct1', sealed)).toBeNull();
  });

  it('refuses a changed value or signature', async () => {
    const signer = createReaderIdSigner(secret());
    const sealed = await signer.seal('acct1', 'alice~n1');
    const sig = sealed.slice(sealed.lastIndexOf('.') + 1);
    for (const forged of [
      `mallory~n1.${sig}`,
      `alice~n2.${sig}`,
      `alice.${sig}`,
      `alice~n1~extra.${sig}`,
      flipSignature(sealed),
      sealed.slice(0, -1),
      `${sealed}A`,
      `alice~n1.${'A'.repeat(43)}`,
      'alice~n1',
      '',
    ]) {
      expect(await signer.open('acct1', forged)).toBeNull();
    }
  });

  it('opens nothing outside its alphabet or over 200 characters, even when seal signed it', async () => {
    const signer = createReaderIdSigner(secret());
    for (const value of ['a.b', 'a b', 'a/b', 'a+b', 'é', '', 'k'.repeat(201)]) {
      const sealed = await signer.seal('acct1', value);
      expect(await signer.open('acct1', sealed)).toBeNull();
    }
  });

  it('a reader id is not a sealed value, a sealed value is not a reader id, nor a derived one', async () => {
    const signer = createReaderIdSigner(secret());
    const { id, token } = await signer.issue();
    // A reader token has the shape of a sealed value, in any domain, including `rid1`.
    expect(await signer.open('rid1', token)).toBeNull();
    expect(await signer.open('', token)).toBeNull();
    // A value sealed in the `rid1` domain has the shape of a reader token.
    const sealed = await signer.seal('rid1', id);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(await signer.verify(sealed)).toBeNull();
    // Nor does a seal carry a derived pseudonym of the same value.
    const derived = await signer.derive('acct1', 'alice');
    const sealedAlice = await signer.seal('acct1', 'alice');
    expect(sealedAlice.split('.')[1]?.startsWith(derived)).toBe(false);
  });
});
