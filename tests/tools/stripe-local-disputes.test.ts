import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AVAILABLE, newAccount, type TestAccount } from './stripe-local-support';

// Disputes in the emulator, driven through the real `stripe` SDK and read back as src/billing
// reads them (the PaymentIntent with its latest charge, the disputes listed by PaymentIntent):
// the shapes the SDK types describe, the events Stripe sends (verified from the signed
// deliveries), the bank's and the merchant's moves, and the errors for what Stripe refuses.

const SUCCESS_URL = 'https://site.example/ok?session_id={CHECKOUT_SESSION_ID}';
type Acted = { events: { type: string }[]; dispute: Stripe.Dispute };

/** The disputes on a payment, and its charge, fetched as src/billing/billing.ts fetches them. */
async function disputesOf(acct: TestAccount, pi: string) {
  const payment = await acct.stripe.paymentIntents.retrieve(pi, { expand: ['latest_charge'] });
  const disputes = await acct.stripe.disputes.list({ payment_intent: pi, limit: 100 });
  return { charge: payment.latest_charge as Stripe.Charge, disputes: disputes.data };
}

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
    const read = await disputesOf(acct, pi.id);
    expect(read.disputes).toHaveLength(1);
    const dispute = read.disputes[0] as Stripe.Dispute;
    expect(dispute).toMatchObject({
      id: opened.dispute.id,
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
    expect(read.charge).toMatchObject({ id: charge.id, disputed: true });

    // Listed by charge too; another payment's filter finds nothing.
    const other = await paidPayment(acct, 700);
    expect((await acct.stripe.disputes.list({ charge: charge.id })).data).toHaveLength(1);
    expect((await disputesOf(acct, other.id)).disputes).toEqual([]);
    // expand[] follows the listed dispute's charge.
    const expanded = await acct.stripe.disputes.list({
      payment_intent: pi.id,
      expand: ['data.charge'],
    });
    expect(expanded.data[0]?.charge).toMatchObject({ object: 'charge', id: charge.id });

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

  it('evidence submitted (control review) → under_review; won → closed + funds_reinstated', async () => {
    const acct = await newAccount();
    const pi = await paidPayment(acct);
    const { dispute } = await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {});
    const reviewed = await acct.control<Acted>(`/_control/disputes/${dispute.id}/review`, {});
    expect(reviewed.events.map((e) => e.type)).toEqual(['charge.dispute.updated']);
    expect(reviewed.dispute).toMatchObject({ status: 'under_review' });
    expect(reviewed.dispute.evidence_details).toMatchObject({
      has_evidence: true,
      submission_count: 1,
    });
    const won = await acct.control<Acted>(`/_control/disputes/${dispute.id}/close`, {
      outcome: 'won',
    });
    expect(won.events.map((e) => e.type)).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    const read = await disputesOf(acct, pi.id);
    expect(read.disputes.map((d) => d.status)).toEqual(['won']);
    // The charge stays marked as disputed, as Stripe's does.
    expect(read.charge.disputed).toBe(true);
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

  it('refuses what Stripe refuses: unknown ids, a second dispute on one charge', async () => {
    const acct = await newAccount();
    await expect(acct.stripe.disputes.close('dp_doesnotexist')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    const pi = await paidPayment(acct);
    await acct.control<Acted>(`/_control/payment_intents/${pi.id}/dispute`, {});
    await expect(acct.control(`/_control/payment_intents/${pi.id}/dispute`, {})).rejects.toThrow(
      /already been disputed/,
    );
  });
});
