/**
 * Where to send the reader after checkout: a same-site relative path only. A full URL from
 * the client is never accepted, nor anything a browser could read as one: protocol-relative
 * `//host`, backslashes (`/\host` is `//host` to browsers), schemes, control characters.
 */
const PLACEHOLDER_ORIGIN = 'https://return-to.invalid';

export function safeReturnPath(input: string | undefined): string | null {
  if (input === undefined || input === '') return '/';
  if (input.length > 512) return null;
  if (!input.startsWith('/') || input.startsWith('//')) return null;
  if (/[\\\p{Cc}\s]/u.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  // Our own routes are never a destination: no loops through checkout or the API.
  if (url.pathname.startsWith('/_paywall')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
