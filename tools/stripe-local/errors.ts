// Stripe's error envelope, so the real SDK raises the same error classes it raises against
// api.stripe.com: it picks the class from the HTTP status (400/404 → StripeInvalidRequestError,
// or StripeIdempotencyError when type is idempotency_error; 401 → StripeAuthenticationError;
// 402 → StripeCardError), and copies type, code, param and message from the body.

export type StripeErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'idempotency_error'
  | 'api_error';

export interface StripeErrorFields {
  code?: string;
  param?: string;
  decline_code?: string;
  payment_intent?: unknown;
}

export class StripeLocalError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly fields: StripeErrorFields = {},
  ) {
    super(message);
  }

  /** `{ error: { type, code?, param?, message, doc_url? } }`, as Stripe answers. */
  body(): { error: Record<string, unknown> } {
    const { code } = this.fields;
    return {
      error: {
        type: this.type,
        ...this.fields,
        message: this.message,
        ...(code
          ? { doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` }
          : {}),
      },
    };
  }
}

/** 404 resource_missing, with Stripe's wording: "No such customer: 'cus_123'". */
export function notFound(kind: string, id: string, param = 'id'): StripeLocalError {
  return new StripeLocalError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

/** The same, answered with 400: a missing object named in a parameter of a create call. */
export function missingReference(kind: string, id: string, param: string): StripeLocalError {
  return new StripeLocalError(400, 'invalid_request_error', `No such ${kind}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function missingParam(param: string): StripeLocalError {
  return new StripeLocalError(400, 'invalid_request_error', `Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
  });
}

export function invalidParam(
  param: string,
  message: string,
  code = 'parameter_invalid',
): StripeLocalError {
  return new StripeLocalError(400, 'invalid_request_error', message, { code, param });
}

/** A request that is well-formed but not allowed in the object's state (no code, like Stripe). */
export function invalidState(message: string, param?: string): StripeLocalError {
  return new StripeLocalError(400, 'invalid_request_error', message, param ? { param } : {});
}

export function cardDeclined(paymentIntent?: unknown): StripeLocalError {
  return new StripeLocalError(402, 'card_error', 'Your card was declined.', {
    code: 'card_declined',
    decline_code: 'generic_decline',
    ...(paymentIntent ? { payment_intent: paymentIntent } : {}),
  });
}

export function unauthenticated(message: string): StripeLocalError {
  return new StripeLocalError(401, 'invalid_request_error', message);
}

export function unknownRoute(method: string, path: string): StripeLocalError {
  return new StripeLocalError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}
