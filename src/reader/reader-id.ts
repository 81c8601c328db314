import { fromBase64Url, toBase64Url } from '../encoding';

/**
 * Reader ids: 128 random bits, signed with HMAC-SHA256 under READER_ID_SECRET, so an id we
 * never issued (guessed, forged, or copied from another site) is recognised and replaced
 * instead of being metered. Format: `<22 base64url chars>.<43 base64url chars>`, or, carrying
 * the meter's state (src/meter/carried.ts), `<22>.<state>.<43>` with the HMAC over both, so
 * a state can be neither forged nor moved to another id.
 * The id is pseudonymous: it says nothing about the person.
 */

const ID_BYTES = 16;
const FORMAT = /^([A-Za-z0-9_-]{22})(?:\.([A-Za-z0-9_~-]{1,340}))?\.([A-Za-z0-9_-]{43})$/;
const keyCache = new Map<string, Promise<CryptoKey>>();

export interface ReaderIdSigner {
  issue(): Promise<{ token: string; id: string }>;
  /** The raw id when `token` is one we signed, otherwise null. */
  verify(token: string): Promise<string | null>;
  /** The raw id and the state it carries when `token` is one we signed, otherwise null. */
  openId(token: string): Promise<{ id: string; state: string | undefined } | null>;
  /** The signed reader id for raw `id` carrying `state` (`[A-Za-z0-9_~-]`, ≤ 340 chars). */
  carrying(id: string, state: string): Promise<string>;
  /** A stable pseudonym for the site's own user id, so the meter never stores it. */
  pseudonym(value: string): Promise<string>;
  /** A stable 128-bit pseudonym of `value` in its own `domain` (e.g. Stripe ids → subscriber ids). */
  derive(domain: string, value: string): Promise<string>;
  /** `value` with an HMAC under `domain` appended: `<value>.<43 base64url chars>`. */
  seal(domain: string, value: string): Promise<string>;
  /** The value inside a token `seal(domain, …)` made, else null (constant-time check). */
  open(domain: string, token: string): Promise<string | null>;
}

/** What a sealed value may hold: base64url characters and `~` as a separator. */
const SEALED_VALUE = /^([A-Za-z0-9_~-]{1,200})\.([A-Za-z0-9_-]{43})$/;

export function createReaderIdSigner(secret: string): ReaderIdSigner {
  const key = () => hmacKey(secret);
  const derive = async (domain: string, value: string) => {
    const sig = await crypto.subtle.sign('HMAC', await key(), encode(`${domain}.${value}`));
    return toBase64Url(new Uint8Array(sig).slice(0, ID_BYTES));
  };
  async function openReaderId(token: string) {
    const match = FORMAT.exec(token);
    if (!match) return null;
    const [, id, state, sig] = match as unknown as [string, string, string | undefined, string];
    const sigBytes = fromBase64Url(sig);
    if (!sigBytes) return null;
    const signed = state === undefined ? `rid1.${id}` : `rid2.${id}.${state}`;
    // crypto.subtle.verify compares in constant time.
    const ok = await crypto.subtle.verify('HMAC', await key(), sigBytes, encode(signed));
    return ok ? { id, state } : null;
  }
  return {
    async issue() {
      const id = toBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));
      const sig = await crypto.subtle.sign('HMAC', await key(), encode(`rid1.${id}`));
      return { id, token: `${id}.${toBase64Url(new Uint8Array(sig))}` };
    },
    async verify(token) {
      return (await openReaderId(token))?.id ?? null;
    },
    openId: openReaderId,
    async carrying(id, state) {
      const sig = await crypto.subtle.sign('HMAC', await key(), encode(`rid2.${id}.${state}`));
      return `${id}.${state}.${toBase64Url(new Uint8Array(sig))}`;
    },
    pseudonym(value) {
      return derive('uid1', value);
    },
    derive,
    async seal(domain, value) {
      const sig = await crypto.subtle.sign('HMAC', await key(), encode(sealed(domain, value)));
      return `${value}.${toBase64Url(new Uint8Array(sig))}`;
    },
    async open(domain, token) {
      const match = SEALED_VALUE.exec(token);
      if (!match) return null;
      const [, value, sig] = match as unknown as [string, string, string];
      const sigBytes = fromBase64Url(sig);
      if (!sigBytes) return null;
      const ok = await crypto.subtle.verify(
        'HMAC',
        await key(),
        sigBytes,
        encode(sealed(domain, value)),
      );
      return ok ? value : null;
    },
  };
}

/** Sealed values sign `seal1|domain|value`: never the input of `derive` or a reader id. */
function sealed(domain: string, value: string): string {
  return `seal1|${domain}|${value}`;
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
