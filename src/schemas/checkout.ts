import { z } from '@hono/zod-openapi';
import { MAX_READER_ID_LENGTH } from '../contract/cookies';

/**
 * Plan ids come from the deployment's OFFERS configuration, read at request time, so they
 * are stated as a rule rather than an enum: the document is generated once from the zod
 * schemas that validate (the same for every deployment and buildable offline), and an enum
 * frozen into it would go stale the moment the offers change.
 */
const PLAN_DESCRIPTION =
  "One of the plan ids in this deployment's OFFERS configuration (as the prompt shows them); any other id is a 400.";

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalField = <T extends z.ZodType>(schema: T) =>
  z.preprocess(emptyToUndefined, schema.optional());

export const CheckoutJsonSchema = z
  .object({
    plan: z.string().min(1).max(32).optional().openapi({ description: PLAN_DESCRIPTION }),
    contribution: z
      .object({
        amount: z.number().int().openapi({ description: 'Minor units, e.g. 500 for €5.00' }),
        currency: z.string().min(3).max(3),
        recurring: z.boolean(),
      })
      .optional(),
    returnTo: z
      .string()
      .max(512)
      .optional()
      .openapi({ description: 'Same-site relative path, e.g. /2026/11/story' }),
    readerId: z.string().max(MAX_READER_ID_LENGTH).optional(),
    userId: z.string().min(1).max(256).optional(),
  })
  .refine(
    (b) => (b.plan === undefined) !== (b.contribution === undefined),
    'give either plan or contribution',
  )
  .openapi('CheckoutRequest', {
    description: 'Exactly one of `plan` or `contribution`.',
    oneOf: [{ required: ['plan'] }, { required: ['contribution'] }],
  });

/** The support prompt's plain HTML form (works with JavaScript off). */
export const CheckoutFormSchema = z
  .object({
    plan: optionalField(z.string().max(32).openapi({ description: PLAN_DESCRIPTION })),
    /** A preset button: minor units. */
    amount: optionalField(z.string().regex(/^\d{1,9}$/, 'a whole number of minor units')),
    /** What the reader typed: major units, up to two decimals. */
    customAmount: optionalField(
      z.string().regex(/^\d{1,7}([.,]\d{1,2})?$/, 'an amount such as 12 or 12.50'),
    ),
    currency: optionalField(z.string().regex(/^[a-z]{3}$/)),
    recurring: optionalField(z.enum(['monthly', 'once'])),
    returnTo: optionalField(z.string().max(512)),
    /** The prompt experiment variant whose prompt held this form (the prompt sets it). */
    experiment: optionalField(
      z.string().max(32).openapi({
        description:
          'Set by the prompt: the experiment variant that showed this form. The checkout is counted under the reader’s variant only when it matches.',
      }),
    ),
  })
  .refine(
    (b) => [b.plan, b.amount ?? b.customAmount].filter(Boolean).length === 1,
    'choose a plan or an amount',
  )
  .openapi('CheckoutForm', {
    description:
      'Exactly one of `plan` or an amount (`amount`, or `customAmount` when `amount` is absent). An empty field counts as absent.',
    oneOf: [
      { required: ['plan'] },
      { anyOf: [{ required: ['amount'] }, { required: ['customAmount'] }] },
    ],
  });

export const CheckoutResponseSchema = z.object({ url: z.url() }).openapi('CheckoutResponse');

export type CheckoutJson = z.infer<typeof CheckoutJsonSchema>;
export type CheckoutForm = z.infer<typeof CheckoutFormSchema>;

/** "12,5" → 1250: the custom field is in major units; offers use two-decimal currencies. */
export function majorToMinor(text: string): number {
  const [whole = '0', fraction = ''] = text.replace(',', '.').split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
