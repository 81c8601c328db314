import { z } from '@hono/zod-openapi';

/** No whitespace or control characters; ids go into Redis set members, never key names. */
const ARTICLE_ID = /^[^\s\p{Cc}]+$/u;

export const AccessRequestSchema = z
  .object({
    article: z.object({
      id: z.string().min(1).max(256).regex(ARTICLE_ID, 'no spaces or control characters'),
      url: z
        .url({ protocol: /^https?$/ })
        .max(2048)
        .optional(),
      section: z.string().min(1).max(128).optional(),
    }),
    reader: z
      .object({
        id: z
          .string()
          .max(256)
          .optional()
          .openapi({ description: 'Signed reader id from an earlier answer' }),
        token: z.string().max(8192).optional().openapi({ description: 'Entitlement JWT' }),
        userId: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .openapi({ description: "The site's own signed-in user id" }),
        ip: z.union([z.ipv4(), z.ipv6()]).optional(),
        userAgent: z.string().max(1024).optional(),
      })
      .default({}),
    consume: z.boolean().default(true).openapi({ description: 'false peeks without counting' }),
  })
  .openapi('AccessRequest');

export const AccessReasonSchema = z.enum([
  'subscriber',
  'free_article',
  'metered',
  'already_read',
  'meter_exhausted',
  'premium',
  'verified_crawler',
  'degraded',
]);

export const AccessResponseSchema = z
  .object({
    access: z.enum(['granted', 'denied']),
    reason: AccessReasonSchema,
    reader: z.object({
      id: z.string().openapi({ description: 'Signed reader id: store it in a cookie' }),
    }),
    meter: z
      .object({
        limit: z.number().int(),
        used: z.number().int(),
        remaining: z.number().int(),
        resetsAt: z.iso.datetime(),
      })
      .nullable(),
    entitlement: z
      .null()
      .openapi({ description: 'The verified entitlement, when the reader is a subscriber' }),
  })
  .openapi('AccessResponse');

export type AccessRequest = z.infer<typeof AccessRequestSchema>;
export type AccessResponse = z.infer<typeof AccessResponseSchema>;
