import type { Context } from 'hono';

/**
 * Headers every sign-in page and answer carries: never cached or indexed, no Referer to other
 * sites (the query holds the return path), no framing (a framed code form could be clickjacked), and a
 * policy that allows our own inline styles and forms and nothing else.
 */
export function setSignInPageHeaders(c: Context): void {
  c.header('Cache-Control', 'private, no-store');
  // Not `no-referrer`: under it Chromium posts same-origin forms with `Origin: null`.
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Robots-Tag', 'noindex');
  c.header('X-Frame-Options', 'DENY');
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
}
