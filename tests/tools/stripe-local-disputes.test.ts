import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AVAILABLE, newAccount, type TestAccount } from './stripe-local-support';

// Disputes in the emulator, driven through the real `stripe` SDK: the shapes the SDK types
// describe, the events Stripe sends (verified from the signed deliveries), list filters, the
// merchant's update and close, and the errors for what Stripe refuses.

const SUCCESS_URL = 'https://site.example/ok?session_id={CHECKOUT_SESSION_ID}';
type Acted = { events: { type: string }[]; dispute: Stripe.Dispute };

async function paidPayment(acct: TestAccount, amount = 1500): Promise<Stripe.PaymentIntent> {
  const session = await acct.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'eur', unit_amount: amount, product_data: { name: 'Gift' } } },
    ],
    payment_intent_data: { metadata: { paywall: '1' } },
    success_url: SUCCESS_URL,
  });
  await acct.control(`/_control/checkout/sessions/${session.id}/pay`, { outcome: 'success' });
  const done = await acct.stripe.checkout.sessions.retrieve(session.id);
  return acct.stripe.paymentIntents.retrieve(done.payment_intent as string, {
    expand: ['latest_charge'],
  });
}

describe.skipIf(!AVAILABLE)('stripe-local: disputes', () => {
  it('a chargeback: created + funds_withdrawn, the charge marked disputed, the SDK reads it', async () => {
    const acct = await newAccount();
    const pi = await paidPayment(acct);
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.disputed).toBe(false);

    const opened = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {
      reason: 'fraudulent',
    });
    expect(opened.events.map((e) => e.type)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
    const dispute = await acct.stripe.disputes.retrieve(opened.dispute.id);
    expect(dispute).toMatchObject({
      object: 'dispute',
      amount: 1500,
      currency: 'eur',
      charge: charge.id,
      payment_intent: pi.id,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      livemode: false,
    });
    expect(dispute.id).toMatch(/^dp_/);
    expect(dispute.evidence_details.due_by).toBeGreaterThan(dispute.created);
    const after = await acct.stripe.charges.retrieve(charge.id);
    expect(after.disputed).toBe(true);

    // Listed by PaymentIntent and by charge; another payment's filter finds nothing.
    const other = await paidPayment(acct, 700);
    expect(
      (await acct.stripe.disputes.list({ payment_intent: pi.id })).data.map((d) => d.id),
    ).toEqual([dispute.id]);
    expect((await acct.stripe.disputes.list({ charge: charge.id })).data).toHaveLength(1);
    expect((await acct.stripe.disputes.list({ payment_intent: other.id })).data).toEqual([]);
    // expand[] follows the dispute's charge.
    const expanded = await acct.stripe.disputes.retrieve(dispute.id, { expand: ['charge'] });
    expect((expanded.charge as Stripe.Charge).id).toBe(charge.id);

    // The signed deliveries carry the dispute as their object.
    await acct.waitForDeliveries(
      (r) => r.filter((c) => c.body.includes('"charge.dispute.')).length >= 2,
    );
    const events = (await acct.verifiedEvents()).filter((e) => e.type.startsWith('charge.dispute'));
    expect(events.map((e) => [e.type, (e.data.object as Stripe.Dispute).id])).toEqual([
      ['charge.dispute.created', dispute.id],
      ['charge.dispute.funds_withdrawn', dispute.id],
    ]);
  });

  it('evidence submitted (update submit=true) → under_review; won → closed + funds_reinstated', async () => {
    const acct = await newAccount();
    const pi = await paidPayment(acct);
    const { dispute } = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {});
    const updated = await acct.stripe.disputes.update(dispute.id, {
      metadata: { case: '42' },
      submit: true,
    });
    expect(updated).toMatchObject({ status: 'under_review', metadata: { case: '42' } });
    expect(updated.evidence_details).toMatchObject({ has_evidence: true, submission_count: 1 });
    const won = await acct.control<Acted>(`/_control/disputes/${dispute.id}/close`, {
      outcome: 'won',
    });
    expect(won.events.map((e) => e.type)).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    expect((await acct.stripe.disputes.retrieve(dispute.id)).status).toBe('won');
    // The charge stays marked as disputed, as Stripe's does.
    expect((await acct.stripe.charges.retrieve(dispute.charge as string)).disputed).toBe(true);
  });

  it('the merchant accepts (POST /v1/disputes/:id/close): lost; closing again is refused', async () => {
    const acct = await newAccount();
    const pi = await paidPayment(acct);
    const { dispute } = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {});
    const closed = await acct.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe('lost');
    await expect(acct.stripe.disputes.close(dispute.id)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
    });
  });

  it('an inquiry: warning_needs_response with no funds withdrawn; won closes as warning_closed', async () => {
    const acct = await newAccount();
    const pi = await paidPayment(acct);
    const opened = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {
      inquiry: true,
    });
    expect(opened.events.map((e) => e.type)).toEqual(['charge.dispute.created']);
    expect(opened.dispute.status).toBe('warning_needs_response');
    const reviewed = await acct.control<Acted>(
      `/_control/disputes/${opened.dispute.id}/review`,
      {},
    );
    expect([reviewed.dispute.status, reviewed.events.map((e) => e.type)]).toEqual([
      'warning_under_review',
      ['charge.dispute.updated'],
    ]);
    const closed = await acct.control<Acted>(`/_control/disputes/${opened.dispute.id}/close`, {
      outcome: 'won',
    });
    expect([closed.dispute.status, closed.events.map((e) => e.type)]).toEqual([
      'warning_closed',
      ['charge.dispute.closed'],
    ]);
  });

  it('refuses what Stripe refuses: unknown ids, a second dispute on one charge, evidence files', async () => {
    const acct = await newAccount();
    await expect(acct.stripe.disputes.retrieve('dp_doesnotexist')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    const pi = await paidPayment(acct);
    const { dispute } = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {});
    await expect(acct.control(`/_control/payment_intents/${pi.id}/dispute`, {})).rejects.toThrow(
      /already been disputed/,
    );
    await expect(
      acct.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'x' } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'evidence' });
  });
});
