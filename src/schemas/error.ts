import { z } from '@hono/zod-openapi';
import { ERROR_STATUS } from '../errors';

const codes = Object.keys(ERROR_STATUS) as [
  keyof typeof ERROR_STATUS,
  ...(keyof typeof ERROR_STATUS)[],
];

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(codes),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi('ErrorEnvelope');

/** A route's error answer in the OpenAPI document: the JSON envelope. */
export const errorResponseDoc = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});

/**
 * A route's error answer in the OpenAPI document, for routes a reader's browser posts a form
 * to: a form post that accepts text/html gets the same code and message as a page
 * (src/http/error-response.ts), everyone else the JSON envelope.
 */
export const formErrorResponseDoc = (description: string) => ({
  description,
  content: {
    'application/json': { schema: ErrorEnvelopeSchema },
    'text/html': {
      schema: z.string().openapi({ description: 'A page with the message and a way back' }),
    },
  },
});
