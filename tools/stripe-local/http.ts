import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyUpTo } from '../lib/http-server';
import { StripeLocalError } from './errors';
import { decodeForm, type FormObject, fromJson } from './form';

// HTTP plumbing shared by the API, the control API and the hosted pages.

/** Larger bodies are a mistake, not a load: Stripe's own limit is far below this. */
const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return readBodyUpTo(
    req,
    MAX_BODY_BYTES,
    () => new StripeLocalError(413, 'invalid_request_error', 'Request body too large.'),
  );
}

/** Form-encoded (what the SDK and browsers send) or JSON (handy for the control API). */
export function decodeBody(contentType: string | undefined, text: string): FormObject {
  if (text.trim() === '') return {};
  if (contentType?.includes('application/json')) {
    try {
      return fromJson(JSON.parse(text));
    } catch {
      throw new StripeLocalError(400, 'invalid_request_error', 'Invalid JSON body.');
    }
  }
  return decodeForm(text);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, no-store',
    ...headers,
  });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

/** 303 See Other: after a form POST the browser GETs the new location. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

/** The secret key from `Authorization: Bearer sk_…` or Basic auth (`-u sk_…:`), as Stripe accepts. */
export function secretKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':')[0] ?? null;
  }
  return null;
}
