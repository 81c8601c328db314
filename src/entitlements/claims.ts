import { z } from 'zod';
import { BILLING_STATUSES, ENTITLEMENT_KINDS, SUBSCRIBER_ID } from './record';

/** The `ent` claim: what the bearer is entitled to, readable by the site without a call. */
export const entClaimSchema = z.object({
  kind: z.enum(ENTITLEMENT_KINDS),
  plan: z.string().min(1).max(64),
  status: z.enum(BILLING_STATUSES),
  /** Epoch seconds: end of the paid period, pass or grace period. */
  until: z.number().int().min(0),
  /**
   * `read`: the token opens articles but not the payer's billing (the customer portal). Set
   * when the support was found through an address nobody proved to us (the one typed at
   * Checkout): its mailbox may read, but only the browser that paid, or an account that was
   * signed in when paying, manages the payer's card and subscription. Kept on refresh.
   */
  scope: z.literal('read').optional(),
});

export const entitlementClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().regex(SUBSCRIBER_ID),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(64),
  ent: entClaimSchema,
});

export type EntClaim = z.infer<typeof entClaimSchema>;
export type EntitlementClaims = z.infer<typeof entitlementClaimsSchema>;
