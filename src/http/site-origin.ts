import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors';
import { isLoopbackHost } from '../loopback';
import { requireSiteApiKey } from './api-key';
import type { AppEnv } from './context';

/**
 * Who may create a checkout: the site's server with its API key (JSON), or a reader's
 * browser posting the prompt's form from our own origin or an allowed site origin. A
 * browser form from anywhere else is a cross-site request forgery attempt: 403.
 */
export function requireSiteOrBrowserForm() {
  const apiKey = requireSiteApiKey();
  return createMiddleware<AppEnv>(async (c, next) => {
    if (/json/i.test(c.req.header('content-type') ?? '')) return apiKey(c, next);
    requireTrustedFormOrigin(c);
    await next();
  });
}

/**
 * Routes only a reader's browser calls (the portal: it acts on the entitlement cookie): a
 * form post, from our own origin or an allowed site origin, and nothing else. A server has
 * no cookie to send, so JSON is refused (400) rather than given a second way in.
 */
export function requireBrowserForm() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!isFormContentType(c.req.header('content-type'))) {
      throw new AppError('invalid_request', 'This route takes the prompt form only.');
    }
    requireTrustedFormOrigin(c);
    await next();
  });
}

/** The media types a browser's `<form>` can post with our fields. */
export function isFormContentType(value: string | undefined): boolean {
  const essence = (value ?? '').split(';')[0]?.trim().toLowerCase();
  return essence === 'application/x-www-form-urlencoded' || essence === 'multipart/form-data';
}

function requireTrustedFormOrigin(c: Context<AppEnv>): void {
  if (trustedFormOrigin(c) === null) {
    throw new AppError('forbidden', 'This form may only be posted from the site itself.');
  }
}

/**
 * The browser's `Origin` when it is ours or a site allowed to post our forms, else null.
 * Where the reader comes back to after Stripe: the site's own host when the site forwards
 * `/_paywall/*` to us from its middleware (so our cookies land on its domain), our own
 * host when we sit in front of the site.
 */
export function trustedFormOrigin(c: Context<AppEnv>): string | null {
  const origin = c.req.header('origin');
  if (origin === undefined) return null;
  // A page with `Referrer-Policy: no-referrer` (a site may send it on its articles) makes the
  // browser post its forms with `Origin: null`, even to the same origin. The browser's own
  // `Sec-Fetch-Site` (no page or form can set it) still says where the form was: same-origin
  // is ours. A sandboxed frame or another site's form is `cross-site`, and stays refused.
  if (origin === 'null') {
    return c.req.header('sec-fetch-site') === 'same-origin' ? new URL(c.req.url).origin : null;
  }
  const { config, deployment } = c.var.services;
  if (origin === new URL(c.req.url).origin || config.allowedOrigins.includes(origin)) return origin;
  // In local development only, a form from this machine (`http://127.0.0.1:<any port>`, e.g.
  // an example site Worker forwarding `/_paywall/*` here) may post too: nothing else can be
  // on a loopback origin, and no production configuration is needed to try the examples.
  return deployment.environment === 'development' && isLoopbackHost(loopbackCandidate(origin))
    ? origin
    : null;
}

/** Where Stripe sends the reader back to: a trusted form's origin, else our own. */
export const returnOrigin = (c: Context<AppEnv>) =>
  trustedFormOrigin(c) ?? new URL(c.req.url).origin;

/**
 * The host of `origin` when the header is exactly an origin (`http://127.0.0.1:8787`), else
 * ''. The header is used verbatim as the start of Stripe's return URLs, so a path, userinfo
 * or fragment riding along (`http://127.0.0.1#@evil.example`) disqualifies it; and it is
 * whatever the client sent, so parsing must not throw.
 */
function loopbackCandidate(origin: string): string {
  try {
    const url = new URL(origin);
    return url.origin === origin ? url.hostname : '';
  } catch {
    return '';
  }
}
