import { z } from '@hono/zod-openapi';
import { MAX_READER_ID_LENGTH } from './cookies';

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
          .max(MAX_READER_ID_LENGTH)
          .optional()
          .openapi({ description: 'Signed reader id from an earlier answer' }),
        // Longer than the 8 KB a token may be, so an oversized cookie is refused as a token
        // (and cleared) rather than failing the whole request.
        token: z.string().max(16_384).optional().openapi({ description: 'Entitlement JWT' }),
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
    consume: z.boolean().default(true).openapi({
      description:
        'false peeks without counting: the answer is then always `access: "peek"`, never a grant',
    }),
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

export const EntitlementSchema = z
  .object({
    subscriberId: z
      .string()
      .openapi({ description: 'Pseudonymous subscriber id (the token `sub`)' }),
    kind: z.enum(['subscription', 'recurring_contribution', 'supporter_pass']),
    plan: z.string(),
    status: z
      .string()
      .openapi({ description: 'Billing status: active, trialing or past_due (in grace)' }),
    until: z.iso
      .datetime()
      .openapi({ description: 'End of the paid period, pass or grace period' }),
    expiresAt: z.iso.datetime().openapi({ description: 'When the entitlement token expires' }),
    token: z.string().nullable().openapi({
      description: 'A newly minted token (refresh or account link): store it in __Host-paywall_ent',
    }),
  })
  .openapi('Entitlement');

const AccessMeterSchema = z
  .object({
    limit: z.number().int(),
    used: z.number().int(),
    remaining: z.number().int(),
    resetsAt: z.iso.datetime(),
  })
  .nullable();

const AccessReaderSchema = z.object({
  id: z.string().openapi({ description: 'Signed reader id: store it in a cookie' }),
  clearToken: z.boolean().openapi({
    description: 'The presented entitlement token is invalid or revoked: delete its cookie',
  }),
});

/** What every answer carries, whatever its `access`. */
const answerFields = {
  reason: AccessReasonSchema,
  reader: AccessReaderSchema,
  meter: AccessMeterSchema,
  entitlement: EntitlementSchema.nullable(),
};

/** The two final verdicts; a peek only says which one a real read would get. */
export const VerdictSchema = z.enum(['granted', 'denied']);

export const AccessGrantedSchema = z
  .object({ access: z.literal('granted'), ...answerFields })
  .openapi('AccessGranted', {
    description: 'A counted read (or one that needs no counting): render the whole article.',
  });

export const AccessDeniedSchema = z
  .object({ access: z.literal('denied'), ...answerFields })
  .openapi('AccessDenied', {
    description: 'Walled: render the lead paragraphs and the prompt, never the rest.',
  });

// A peek is its own variant, not `granted` with a flag: a check for `access === "granted"`
// can never pass for it, so a header that turned counting off cannot unlock the text.
export const AccessPeekSchema = z
  .object({
    access: z.literal('peek'),
    wouldBe: VerdictSchema.openapi({
      description: 'What a counted read would get now. Never render the full text on it.',
    }),
    ...answerFields,
  })
  .openapi('AccessPeek', {
    description:
      'The answer to every `consume: false` request (subscribers and free articles included): nothing was counted, so render at most the lead paragraphs.',
  });

export const AccessResponseSchema = z
  .discriminatedUnion('access', [AccessGrantedSchema, AccessDeniedSchema, AccessPeekSchema])
  .openapi('AccessResponse');

export type AccessRequest = z.infer<typeof AccessRequestSchema>;
/** What a caller sends: `reader` and `consume` may be left out. */
export type AccessRequestInput = z.input<typeof AccessRequestSchema>;
export type AccessResponse = z.infer<typeof AccessResponseSchema>;
export type AccessReason = z.infer<typeof AccessReasonSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;
export type AccessPeek = z.infer<typeof AccessPeekSchema>;
export type Entitlement = z.infer<typeof EntitlementSchema>;
