import type Stripe from 'stripe';
import type { Account } from '../account';
import { invalidState } from '../errors';
import { snapshot } from '../objects/common';
import { buildDispute } from '../objects/dispute';

// Disputes: what a cardholder's bank does (open), what the merchant does (submit evidence:
// the control API's review; accept: POST /v1/disputes/:id/close) and what the network
// decides (won or lost).
// Events, as Stripe sends them: charge.dispute.created (+ charge.dispute.funds_withdrawn for
// a chargeback), charge.dispute.updated on a status change while open, charge.dispute.closed
// (+ charge.dispute.funds_reinstated when won).

/** Reasons as Stripe names them; the common one for card testing is `fraudulent`. */
export const DISPUTE_REASONS = [
  'bank_cannot_process',
  'credit_not_processed',
  'customer_initiated',
  'debit_not_authorized',
  'duplicate',
  'fraudulent',
  'general',
  'incorrect_account_details',
  'insufficient_funds',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'unrecognized',
] as const;

const OPEN = new Set([
  'needs_response',
  'under_review',
  'warning_needs_response',
  'warning_under_review',
]);

export function openDispute(
  acct: Account,
  charge: Stripe.Charge,
  opts: { reason?: string; inquiry?: boolean },
): Stripe.Dispute {
  if (charge.status !== 'succeeded') {
    throw invalidState(
      `Charge ${charge.id} has not succeeded, so it cannot be disputed.`,
      'charge',
    );
  }
  const existing = [...acct.store.disputes.values()].find((d) => d.charge === charge.id);
  if (existing) throw invalidState(`Charge ${charge.id} has already been disputed.`, 'charge');
  const inquiry = opts.inquiry ?? false;
  const dispute = buildDispute(
    charge,
    {
      reason: opts.reason ?? 'fraudulent',
      inquiry,
      amount: charge.amount - charge.amount_refunded,
    },
    acct.clock.now(),
  );
  acct.store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  acct.events.emit('charge.dispute.created', dispute);
  if (!inquiry) acct.events.emit('charge.dispute.funds_withdrawn', dispute);
  return dispute;
}

/** The merchant submitted evidence: the bank reviews it. */
export function reviewDispute(acct: Account, dispute: Stripe.Dispute): Stripe.Dispute {
  requireOpen(dispute);
  const before = snapshot(dispute);
  dispute.status = dispute.status.startsWith('warning_') ? 'warning_under_review' : 'under_review';
  dispute.evidence_details.has_evidence = true;
  dispute.evidence_details.submission_count += 1;
  dispute.evidence_details.submission_method = 'manual';
  if (before.status !== dispute.status)
    acct.events.emit('charge.dispute.updated', dispute, { status: before.status });
  return dispute;
}

/** Decided: `won` (an inquiry closes as `warning_closed`) or `lost` (also: the merchant accepts). */
export function closeDispute(
  acct: Account,
  dispute: Stripe.Dispute,
  outcome: 'won' | 'lost',
): Stripe.Dispute {
  requireOpen(dispute);
  const inquiry = dispute.status.startsWith('warning_');
  dispute.status = outcome === 'lost' ? 'lost' : inquiry ? 'warning_closed' : 'won';
  acct.events.emit('charge.dispute.closed', dispute);
  if (outcome === 'won' && !inquiry) acct.events.emit('charge.dispute.funds_reinstated', dispute);
  return dispute;
}

function requireOpen(dispute: Stripe.Dispute): void {
  if (!OPEN.has(dispute.status)) {
    throw invalidState(`This dispute is already closed (status: ${dispute.status}).`, 'dispute');
  }
}
