import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, ERROR_STATUS, errorBody } from '../errors';
import { logEvent } from '../log';
import { messagePage } from './pages';
import { safeReturnPath } from './return-to';

/**
 * An `AppError` as the answer: the one JSON envelope (docs/architecture.md convention 6), or,
 * for a reader's browser posting one of our forms, a page with the same code and message.
 */
export function errorResponse(c: Context, error: AppError): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown';
  if (isBrowserForm(c)) return errorPage(c, error, requestId);
  return c.json(errorBody(error.code, error.message, requestId), ERROR_STATUS[error.code], {
    'Cache-Control': 'no-store',
    ...error.headers,
  });
}

/**
 * A reader's browser posting one of our forms (checkout, portal) gets a page, not JSON:
 * the same code and message, with a way back.
 */
function isBrowserForm(c: Context): boolean {
  return (
    c.req.method === 'POST' &&
    /application\/x-www-form-urlencoded|multipart\/form-data/i.test(
      c.req.header('content-type') ?? '',
    ) &&
    /text\/html/i.test(c.req.header('accept') ?? '')
  );
}

const ERROR_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function errorPage(c: Context, error: AppError, requestId: string): Response {
  const href = backLink(c.req.header('referer'), c.req.url);
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header('Cache-Control', 'no-store');
  // An error page is still a page of ours: never framed (clickjacking a form around it), and
  // its URL never sent on as a Referer.
  c.header('Content-Security-Policy', ERROR_PAGE_CSP);
  c.header('X-Frame-Options', 'DENY');
  if (!c.res.headers.has('referrer-policy')) c.header('Referrer-Policy', 'no-referrer');
  return c.html(
    messagePage('Sorry, that did not work', `${error.message} (reference ${requestId})`, {
      href,
      label: 'Go back',
    }),
    ERROR_STATUS[error.code],
  );
}

/**
 * "Go back" goes to the page the form was on when the Referer is one of ours, else home. The
 * header is whatever the client sent (not a URL, another site, our own API): this runs while
 * answering an error, so it must never throw, and the link must never leave the site.
 */
function backLink(referer: string | undefined, requestUrl: string): string {
  if (!referer) return '/';
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(requestUrl).origin) return '/';
  return safeReturnPath(`${url.pathname}${url.search}`) ?? '/';
}

/** app.onError: every failure leaves as one envelope; stacks and causes stay in the logs. */
export function onError(error: Error, c: Context): Response {
  if (error instanceof AppError) return errorResponse(c, error);
  if (error instanceof HTTPException) return errorResponse(c, fromHttpException(error));
  logEvent('error', 'unhandled_error', { requestId: c.get('requestId'), error: error.name });
  return errorResponse(c, new AppError('internal_error', 'Something went wrong on our side.'));
}

function fromHttpException(error: HTTPException): AppError {
  switch (error.status) {
    case 400:
      return new AppError('invalid_request', error.message || 'The request is malformed.');
    case 401:
      return new AppError('unauthorized', 'A valid site API key is required.');
    case 404:
      return new AppError('not_found', 'No such route.');
    case 405:
      return new AppError('method_not_allowed', 'Method not allowed on this route.');
    case 413:
      return new AppError('invalid_request', error.message || 'The request body is too large.');
    default:
      return new AppError(
        error.status >= 500 ? 'internal_error' : 'invalid_request',
        error.message,
      );
  }
}
