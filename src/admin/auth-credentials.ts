/**
 * The admin key as an `Authorization` header presents it: `Bearer <key>`, or HTTP Basic with
 * any user name and the key as the password, so a browser's own sign-in prompt works with no
 * script. Parsed totally: whatever a client sends, the answer is a string or a tagged refusal.
 */

export type PresentedKey =
  | { ok: true; key: string }
  | { ok: false; failure: 'missing' | 'malformed' | 'other_scheme' };

/** As src/http/api-key.ts: visible ASCII, at most 512. No trimming: a space is part of the value. */
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;
/**
 * Standard base64 with its padding, as browsers send it: the encoding of a user name and a
 * 256-character key with room to spare, and no more (a 10 KB header is refused unread).
 */
const BASIC = /^Basic ((?:[A-Za-z0-9+/]{4}){0,256}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/i;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function presentedKey(authorization: string | undefined): PresentedKey {
  if (authorization === undefined || authorization === '') return { ok: false, failure: 'missing' };
  const bearer = BEARER.exec(authorization);
  if (bearer) return { ok: true, key: bearer[1] as string };
  if (!/^Basic(?: |$)/i.test(authorization)) {
    return {
      ok: false,
      failure: /^Bearer(?: |$)/i.test(authorization) ? 'malformed' : 'other_scheme',
    };
  }
  const encoded = BASIC.exec(authorization)?.[1];
  if (encoded === undefined) return { ok: false, failure: 'malformed' };
  let decoded: string;
  try {
    decoded = strictUtf8.decode(Uint8Array.from(atob(encoded), (ch) => ch.charCodeAt(0)));
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  // RFC 7617: the user id cannot contain a colon, so the password is everything after the first.
  const colon = decoded.indexOf(':');
  if (colon === -1) return { ok: false, failure: 'malformed' };
  return { ok: true, key: decoded.slice(colon + 1) };
}
