import { z } from '@hono/zod-openapi';
import { MAX_ACCOUNT_COOKIE_LENGTH, MAX_READER_ID_LENGTH } from '../contract/cookies';

/** No whitespace or control characters; ids go into Redis set members, never key names. */
const ARTICLE_ID = /^[^\s\p{Cc}]+$/u;

/** The access API's whole body is capped at 16 KB (src/routes/access.ts). */
export const MAX_ACCESS_BODY_BYTES = 16 * 1024;
/** Twelve of the body's 16 KB: room for a token over the 8 KB limit and the other fields. */
export const MAX_TOKEN_FIELD_LENGTH = 12 * 1024;

export const AccessRequestSchema = z
  .object({
    article: z.object({
      id: z
        .string()
        .min(1)
        .max(256)
        .regex(ARTICLE_ID, 'no spaces or control characters')
        // The published pattern is the regex's source alone: zod would append the `/u` flag to
        // it, and no string matches that. JSON Schema patterns are Unicode-aware already.
        .openapi({ pattern: ARTICLE_ID.source }),
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
        // (and cleared) rather than failing the whole request; short enough that a body
        // carrying one still fits the 16 KB body limit with every other field.
        token: z
          .string()
          .max(MAX_TOKEN_FIELD_LENGTH)
          .optional()
          .openapi({ description: 'Entitlement JWT' }),
        userId: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .openapi({ description: "The site's own signed-in user id" }),
        account: z.string().max(MAX_ACCOUNT_COOKIE_LENGTH).optional().openapi({
          description:
            'The `__Host-paywall_acct` cookie as set by the sign-in pages: the account signed in on this device. A value we did not sign is ignored.',
        }),
        // zod-openapi publishes both as `format: ip`, which is no format: name them.
        ip: z
          .union([z.ipv4(), z.ipv6()])
          .optional()
          .openapi({
            anyOf: [
              { type: 'string', format: 'ipv4' },
              { type: 'string', format: 'ipv6' },
            ],
          }),
        userAgent: z.string().max(1024).optional(),
      })
      .default({}),
    consume: z.boolean().default(true).openapi({
      description:
        'false peeks without counting: the answer is then always `access: "peek"`, never a grant',
    }),
  })
  .openapi('AccessRequest', {
    description: `The whole body is at most ${MAX_ACCESS_BODY_BYTES} bytes; a longer one is a 400.`,
  });

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
  id: z.string().max(400).openapi({
    description:
      'Signed reader id: store it in a cookie and send it back as it is. It changes as it carries the meter (a new value after most reads), and is at most 400 characters.',
  }),
  clearToken: z.boolean().openapi({
    description: 'The presented entitlement token is invalid or revoked: delete its cookie',
  }),
  clearAccount: z.boolean().optional().openapi({
    description:
      'Always sent by this version (absent from older ones: read as false). The presented account cookie (`reader.account`) names a sign-in that has ended (signed out elsewhere, expired or erased): the reader was metered as this browser; delete the `__Host-paywall_acct` cookie',
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
