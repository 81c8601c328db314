import type Stripe from 'stripe';
import { ID_PREFIX, newId } from '../ids';

// A dispute on a charge, in Stripe's public shape. A chargeback opens as `needs_response`
// (an inquiry, which withdraws no funds yet, as `warning_needs_response`) with evidence due
// in 21 days; nothing here models evidence files or card-network specifics.

const EVIDENCE_DAYS = 21;

export function buildDispute(
  charge: Stripe.Charge,
  opts: { reason: string; inquiry: boolean; amount: number },
  now: number,
): Stripe.Dispute {
  return {
    id: newId(ID_PREFIX.dispute, 24),
    object: 'dispute',
    amount: opts.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + EVIDENCE_DAYS * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    network_reason_code: null,
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method_details: {
      card: {
        brand: 'visa',
        case_type: opts.inquiry ? 'inquiry' : 'chargeback',
        network: 'visa',
        network_reason_code: null,
      },
      type: 'card',
    },
    reason: opts.reason,
    status: opts.inquiry ? 'warning_needs_response' : 'needs_response',
  };
}

function emptyEvidence(): Stripe.Dispute.Evidence {
  return {
    access_activity_log: null,
    billing_address: null,
    cancellation_policy: null,
    cancellation_policy_disclosure: null,
    cancellation_rebuttal: null,
    customer_communication: null,
    customer_email_address: null,
    customer_name: null,
    customer_purchase_ip: null,
    customer_signature: null,
    duplicate_charge_documentation: null,
    duplicate_charge_explanation: null,
    duplicate_charge_id: null,
    enhanced_evidence: {},
    product_description: null,
    receipt: null,
    refund_policy: null,
    refund_policy_disclosure: null,
    refund_refusal_explanation: null,
    service_date: null,
    service_documentation: null,
    shipping_address: null,
    shipping_carrier: null,
    shipping_date: null,
    shipping_documentation: null,
    shipping_tracking_number: null,
    uncategorized_file: null,
    uncategorized_text: null,
  };
}
