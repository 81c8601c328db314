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

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});
