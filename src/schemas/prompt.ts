import { z } from '@hono/zod-openapi';

/** Query strings carry numbers as text; "3" → 3, "" or "x" → a clear 400. */
// Published as a plain integer: zod-openapi reads coerce's input as nullable, but an empty
// or absent value is never read as null (empty is a 400, absent is absent).
const count = z.coerce
  .number()
  .int()
  .min(0)
  .max(1000)
  .openapi({ type: 'integer', minimum: 0, maximum: 1000 });

export const PromptQuerySchema = z
  .object({
    returnTo: z.string().max(512).optional().openapi({
      description: 'Same-site relative path the reader comes back to after checkout',
      example: '/2026/11/harbour-lights',
    }),
    variant: z.enum(['wall', 'support']).default('wall').openapi({
      description:
        '`wall` follows the lead paragraphs of a walled article; `support` sits under a whole one',
    }),
    limit: count.optional().openapi({
      description:
        'With `wall`: the meter limit that ran out (from the decision). Without it the wall reads as subscribers-only.',
    }),
    used: count.optional(),
  })
  .openapi('PromptQuery');

export type PromptQuery = z.infer<typeof PromptQuerySchema>;
