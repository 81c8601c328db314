import type Stripe from 'stripe';
import type { Account } from '../account';
import { invalidParam, invalidState } from '../errors';
import { snapshot } from '../objects/common';
import { buildRefund } from '../objects/payment';

// Refunds, from the control API, as the Dashboard makes them. Events: charge.refunded (with
// the charge's previous amount_refunded/refunded), then refund.created.

export function refundCharge(
  acct: Account,
  charge: Stripe.Charge,
  opts: {
    amount?: number;
    reason?: Stripe.Refund.Reason | null;
    metadata?: Record<string, string>;
  },
): Stripe.Refund {
  if (charge.status !== 'succeeded') {
    throw invalidState(
      `Charge ${charge.id} has not succeeded, so it cannot be refunded.`,
      'charge',
    );
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidParam(
      'charge',
      `Charge ${charge.id} has already been refunded.`,
      'charge_already_refunded',
    );
  }
  const amount = opts.amount ?? remaining;
  if (amount > remaining) {
    throw invalidParam(
      'amount',
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      'amount_too_large',
    );
  }
  const now = acct.clock.now();
  const refund = buildRefund(charge, amount, opts.reason ?? null, opts.metadata ?? {}, now);
  acct.store.refunds.set(refund.id, refund);
  const before = snapshot(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  acct.events.emit('charge.refunded', charge, {
    amount_refunded: before.amount_refunded,
    refunded: before.refunded,
  });
  acct.events.emit('refund.created', refund);
  return refund;
}

/** The charge to refund for a PaymentIntent: its latest, succeeded one. */
export function chargeOf(acct: Account, pi: Stripe.PaymentIntent): Stripe.Charge {
  const charge = pi.latest_charge ? acct.store.charges.get(String(pi.latest_charge)) : undefined;
  if (!charge) {
    throw invalidState(
      `PaymentIntent ${pi.id} does not have a successful charge to refund.`,
      'payment_intent',
    );
  }
  return charge;
}
