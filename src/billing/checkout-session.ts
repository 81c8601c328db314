import type Stripe from 'stripe';
import {
  type CheckoutChoice,
  checkoutIdempotencyKey,
  type SessionContext,
  sessionParams,
} from './checkout';

/** Stripe's minimum; an abandoned session should not linger for the default 24 hours. */
export const SESSION_LIFETIME_SECONDS = 30 * 60;

/** What the checkout route knows about a request; Billing adds this deployment's tag. */
export type CheckoutRequest = Omit<SessionContext, 'deploymentId' | 'expiresInSeconds'>;

/**
 * Creates the Checkout Session for `choice` and returns its URL (null if Stripe gave none).
 *
 * The idempotency key is deterministic (src/billing/checkout.ts): the same reader asking for
 * the same thing within the same 10 minutes gets Stripe's replay of one session, never two. A
 * replay returns the session as it was created, well before this request; if the reader has
 * since finished it (paid, then came back within the slot), this purchase needs a session of
 * its own. The SDK's fetch client does not expose the Idempotent-Replayed header, hence the
 * age check; a false positive costs one read.
 */
export async function createCheckoutSession(
  sessions: Pick<Stripe['checkout']['sessions'], 'create' | 'retrieve'>,
  choice: CheckoutChoice,
  request: Omit<SessionContext, 'expiresInSeconds'>,
): Promise<string | null> {
  const ctx: SessionContext = { ...request, expiresInSeconds: SESSION_LIFETIME_SECONDS };
  const params = sessionParams(choice, ctx);
  const key = await checkoutIdempotencyKey(choice, ctx);
  const session = await sessions.create(params, { idempotencyKey: key });
  if (session.created < Math.floor(ctx.now.getTime() / 1000) - 5) {
    const current = await sessions.retrieve(session.id);
    if (current.status !== 'open') {
      return (await sessions.create(params, { idempotencyKey: `${key}-${current.id}` })).url;
    }
  }
  return session.url;
}
