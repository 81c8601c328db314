import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The error contract every layer uses: the closed set of codes and `AppError`, an expected
 * failure with one of them. Rendering one as an answer (the JSON envelope, or a page for a
 * browser's form) is the HTTP layer's job: src/http/error-response.ts.
 */

/**
 * The closed set of error codes on the wire (docs/api.md § Errors documents each). Adding a
 * code is a contract change; renaming one is a breaking change.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  rate_limited: 429,
  bad_configuration: 500,
  internal_error: 500,
  service_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * On a 503 because Redis or Stripe did not answer: a reader (or a client) may try again soon.
 * Short, as the outages it covers are: a time limit passed, a dropped connection.
 */
export const RETRY_SOON = { 'Retry-After': '5' } as const;

/** An expected failure with a stable code; its message is safe to show to the caller. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string) {
  return { error: { code, message, requestId } };
}
