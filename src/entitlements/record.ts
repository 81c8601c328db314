import { z } from 'zod';
import { BILLING_STATUSES, ENTITLEMENT_KINDS } from '../contract/entitlement-token';
import { toBase64Url } from '../encoding';

/**
 * A subscriber's record in Redis: what billing says about them, kept in step with Stripe by
 * the webhooks. The entitlement token is minted from this and refreshed from it, so revoking
 * access is a record change that takes effect within one token lifetime.
 */
export const SUBSCRIBER_ID = /^sbr_[A-Za-z0-9_-]{22}$/;

export { BILLING_STATUSES, ENTITLEMENT_KINDS };
export type EntitlementKind = (typeof ENTITLEMENT_KINDS)[number];

export type BillingStatus = (typeof BILLING_STATUSES)[number];

const epochSeconds = z.number().int().min(0).max(32_503_680_000);

export const subscriberRecordSchema = z.object({
  v: z.literal(1),
  /** Pseudonymous and random: the token's `sub`. Never an email or a Stripe id. */
  subscriberId: z.string().regex(SUBSCRIBER_ID),
  kind: z.enum(ENTITLEMENT_KINDS),
  plan: z.string().min(1).max(64),
  status: z.enum(BILLING_STATUSES),
  /** End of the paid period (a subscription) or of the pass (a one-time contribution). */
  currentPeriodEnd: epochSeconds.nullable(),
  /** When the status became past_due: the grace period counts from here. */
  pastDueSince: epochSeconds.nullable().default(null),
  stripe: z
    .object({
      customerId: z.string().max(255).optional(),
      subscriptionId: z.string().max(255).optional(),
      paymentIntentId: z.string().max(255).optional(),
    })
    .default({}),
  /**
   * False for a contribution below the access threshold (thanks-only): the record exists so
   * webhooks and the portal keep working, but src/entitlements/status.ts grants nothing.
   * Absent (records written before thresholds existed, granted under the old rules): true.
   */
  grantsAccess: z.boolean().optional(),
  /** A supporter pass whose payment has a dispute not (yet) won: no access until it is. Absent: false. */
  disputed: z.boolean().optional(),
  /** HMAC pseudonym of the site's own user id, when the site linked one. */
  userKey: z.string().max(64).optional(),
  /**
   * The site's user was erased from this record (DELETE /_paywall/v1/users): no later sync
   * links them again from the Stripe metadata that still names them. Not personal data.
   */
  userErased: z.boolean().optional(),
  /** The account (address key) that was signed in when the reader paid, if any. */
  accountKey: z.string().max(64).optional(),
  /**
   * An account was erased from this record (DELETE /_paywall/v1/accounts): no later sync
   * links it again from the Stripe metadata or the Checkout address that still name it. The
   * person signing in again with their address is a new link, made at their request.
   */
  accountErased: z.boolean().optional(),
  /** Version for ordering writes (ms): an older write never overwrites a newer one. */
  updatedAt: z.number().int().min(0),
});

export type SubscriberRecord = z.infer<typeof subscriberRecordSchema>;

export function newSubscriberId(): string {
  return `sbr_${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
}
