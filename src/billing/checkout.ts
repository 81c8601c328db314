import type Stripe from 'stripe';
import { PAYWALL_PREFIX } from '../contract/paths';
import type { EntitlementKind } from '../entitlements/record';
import { DEPLOYMENT_METADATA_KEY } from './deployment';
import type { Offers, Plan } from './offers';
import { PAYING_BROWSER_METADATA_KEY } from './paying-browser';

/** What the reader chose, resolved against server-side offers only. */
export type CheckoutChoice =
  | { kind: 'plan'; plan: Plan }
  | { kind: 'contribution'; amount: number; currency: string; recurring: boolean };

export type ChoiceInput =
  | { plan: string }
  | { contribution: { amount: number; currency: string; recurring: boolean } };

/** Expected refusals are values; the route turns them into 400s before Stripe is called. */
export function resolveChoice(
  input: ChoiceInput,
  offers: Offers,
): { ok: true; choice: CheckoutChoice } | { ok: false; message: string } {
  if ('plan' in input) {
    const plan = offers.plans.find((p) => p.id === input.plan);
    return plan
      ? { ok: true, choice: { kind: 'plan', plan } }
      : { ok: false, message: `Unknown plan "${input.plan}".` };
  }
  const c = offers.contributions;
  const { amount, currency, recurring } = input.contribution;
  if (!c) return { ok: false, message: 'Contributions are not offered.' };
  if (currency !== c.currency) return { ok: false, message: `Currency must be "${c.currency}".` };
  if (!Number.isSafeInteger(amount) || amount < c.min || amount > c.max) {
    return {
      ok: false,
      message: `Amount must be a whole number of minor units from ${c.min} to ${c.max}.`,
    };
  }
  if (recurring ? !c.monthly : !c.oneTime) {
    return {
      ok: false,
      message: recurring
        ? 'Monthly contributions are not offered.'
        : 'One-time contributions are not offered.',
    };
  }
  return { ok: true, choice: { kind: 'contribution', amount, currency, recurring } };
}

export function entitlementKindOf(choice: CheckoutChoice): EntitlementKind {
  if (choice.kind === 'plan') return 'subscription';
  return choice.recurring ? 'recurring_contribution' : 'supporter_pass';
}

export function planLabel(choice: CheckoutChoice): string {
  if (choice.kind === 'plan') return choice.plan.id;
  return choice.recurring ? 'contribution-monthly' : 'contribution-once';
}

export interface SessionContext {
  readerId: string;
  /** The raw id in the paying browser's signed reader cookie: only it may redeem the session. */
  browserReaderId: string;
  userKey: string | undefined;
  /** The account signed in on the paying browser: the support follows it to every device. */
  accountKey?: string | undefined;
  /** The reader's prompt experiment variant: the payment is counted under it (src/stats/). */
  variant?: string | undefined;
  returnTo: string;
  /** Where Stripe sends the reader back: our origin, or the site's when it forwards /_paywall/* to us. */
  origin: string;
  now: Date;
  /** Sessions expire early (Stripe's minimum is 30 minutes) rather than after 24 hours. */
  expiresInSeconds: number;
  /** Tags the session and what it creates, so only this deployment redeems and syncs them. */
  deploymentId: string;
}

/** Stripe Checkout Session parameters: prices from configuration, amounts already bounded. */
export function sessionParams(
  choice: CheckoutChoice,
  ctx: SessionContext,
): Stripe.Checkout.SessionCreateParams {
  const metadata: Record<string, string> = {
    paywall: '1',
    [DEPLOYMENT_METADATA_KEY]: ctx.deploymentId,
    kind: entitlementKindOf(choice),
    plan: planLabel(choice),
    readerId: ctx.readerId,
    returnTo: ctx.returnTo,
    ...(ctx.userKey ? { userKey: ctx.userKey } : {}),
    ...(ctx.accountKey ? { accountKey: ctx.accountKey } : {}),
  };
  const common = {
    client_reference_id: ctx.readerId,
    // On the session only: what it creates (subscription, payment) is not bound to a browser,
    // and the payment is counted from the session.
    metadata: {
      ...metadata,
      [PAYING_BROWSER_METADATA_KEY]: ctx.browserReaderId,
      ...(ctx.variant ? { variant: ctx.variant } : {}),
    },
    success_url: `${ctx.origin}${PAYWALL_PREFIX}/checkout/complete?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${ctx.origin}${ctx.returnTo}`,
    // Tied to the idempotency slot, not to the second: a retry within the slot must send
    // exactly the same parameters, or Stripe refuses the reused key.
    expires_at: slotEndSeconds(ctx.now) + ctx.expiresInSeconds,
  };
  if (choice.kind === 'plan') {
    return {
      ...common,
      mode: 'subscription',
      line_items: [{ price: choice.plan.priceId, quantity: 1 }],
      subscription_data: { metadata },
    };
  }
  const priceData = {
    currency: choice.currency,
    unit_amount: choice.amount,
    product_data: { name: choice.recurring ? 'Monthly contribution' : 'Contribution' },
  };
  if (choice.recurring) {
    return {
      ...common,
      mode: 'subscription',
      line_items: [{ price_data: { ...priceData, recurring: { interval: 'month' } }, quantity: 1 }],
      subscription_data: { metadata },
    };
  }
  return {
    ...common,
    mode: 'payment',
    submit_type: 'donate',
    customer_creation: 'always',
    line_items: [{ price_data: priceData, quantity: 1 }],
    payment_intent_data: { metadata },
  };
}

const SLOT_MS = 600_000;

function slotEndSeconds(now: Date): number {
  return ((Math.floor(now.getTime() / SLOT_MS) + 1) * SLOT_MS) / 1000;
}

/**
 * Deterministic idempotency key: the same reader asking for the same thing within the same
 * 10-minute slot (a double click, a retried request, coming back from Checkout and trying
 * again) gets the same session, never two.
 */
export async function checkoutIdempotencyKey(
  choice: CheckoutChoice,
  ctx: SessionContext,
): Promise<string> {
  const slot = Math.floor(ctx.now.getTime() / SLOT_MS);
  const what =
    choice.kind === 'plan'
      ? `plan:${choice.plan.id}`
      : `c:${choice.amount}:${choice.currency}:${choice.recurring}`;
  // The browser too: a signed-in reader's two devices must not share one (bound) session.
  // The variant too: the session's metadata carries it, and a replay must send the same.
  const text = `checkout|${ctx.readerId}|${ctx.browserReaderId}|${ctx.userKey ?? ''}|${ctx.accountKey ?? ''}|${what}|${ctx.returnTo}|${ctx.variant ?? ''}|${slot}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `paywall-checkout-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
