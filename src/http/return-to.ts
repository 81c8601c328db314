import { PAYWALL_PREFIX } from '../contract/paths';
import { AppError } from '../errors';

/**
 * Where to send the reader back to (checkout's cancel and success pages, the portal, the
 * prompt's hidden field): a path on the site, never anything that leaves it. The one parser
 * every route uses.
 *
 * The text is not what matters: what a browser, Stripe or the origin server make of it is.
 * So the value is normalised with the URL parser and the RESULT is checked (`/.//evil` is
 * `//evil` once its dot segment is resolved). The path is then percent-decoded and
 * normalised again, a few times over, and every round must still be a path on the site: a
 * server behind us that decodes `%2F`, `%5C` or `%2e` before it routes or redirects must
 * not turn `/%2e%2e%2F%2Fevil` into `//evil` either.
 */
const PLACEHOLDER_ORIGIN = 'https://return-to.invalid';
const MAX_INPUT_LENGTH = 512;
/** Non-ASCII text is percent-encoded by the parser, up to 9 characters per input character. */
const MAX_RESULT_LENGTH = 2048;
/** Decoding rounds that must each stay on the site; a value still changing after them is refused. */
const DECODE_ROUNDS = 3;

/** Anything a browser strips, folds or reads as a separator: refused in the text as given. */
const UNSAFE_CHARACTER = /[\\\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\s]/u;
/** Refused in any decoded round: `\` is `/` to browsers, control characters are stripped. */
const UNSAFE_DECODED = /[\\\p{Cc}]/u;

/** The safe same-site path (path, query and fragment) for `input`, or null. Absent means `/`. */
export function safeReturnPath(input: string | undefined): string | null {
  if (input === undefined || input === '') return '/';
  if (input.length > MAX_INPUT_LENGTH || UNSAFE_CHARACTER.test(input)) return null;
  const resolved = onSitePath(input);
  if (resolved === null || resolved.full.length > MAX_RESULT_LENGTH) return null;
  if (!decodedStaysOnSite(resolved.pathname)) return null;
  return resolved.full;
}

/** As `safeReturnPath`, for a value from the request: an unsafe one is the caller's 400. */
export function requireReturnPath(input: string | undefined): string {
  const path = safeReturnPath(input);
  if (path === null) {
    throw new AppError(
      'invalid_request',
      'returnTo must be a same-site relative path such as /news/story.',
    );
  }
  return path;
}

/**
 * The normalised path, query and fragment when `text` is a path on the site once the URL
 * parser is done with it: one leading `/` (never `//` or `/\`, which browsers read as
 * another host), same origin, not one of our own routes.
 */
function onSitePath(text: string): { pathname: string; full: string } | null {
  if (!text.startsWith('/') || text.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(text, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  const { pathname } = url;
  if (!pathname.startsWith('/') || pathname.startsWith('//') || pathname.startsWith('/\\'))
    return null;
  // Our own routes are never a destination: no loops through checkout or the API.
  if (isPaywallPath(pathname)) return null;
  return { pathname, full: `${pathname}${url.search}${url.hash}` };
}

/** Hono decodes `%5F` before it routes, and paths may be matched case-insensitively upstream. */
function isPaywallPath(pathname: string): boolean {
  return decodeAscii(pathname).toLowerCase().startsWith(PAYWALL_PREFIX);
}

function decodedStaysOnSite(pathname: string): boolean {
  let current = pathname;
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const decoded = decodeAscii(current);
    if (decoded === current) return true;
    if (UNSAFE_DECODED.test(decoded)) return false;
    // A decoded `?` or `#` would start a query or fragment: only what precedes it is a path.
    if (onSitePath(decoded.replace(/[?#].*$/s, '')) === null) return false;
    current = decoded;
  }
  return decodeAscii(current) === current;
}

/**
 * Decodes `%XX` escapes of ASCII characters only: those are the separators, dots and
 * control characters that matter here. Total: a malformed escape stays as it is.
 */
function decodeAscii(text: string): string {
  return text.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
