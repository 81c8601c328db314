import { closeDispute } from '../flows/disputes';
import { type ApiRouter, found, paginate } from './context';

// Disputes: list by PaymentIntent or charge (src/billing reads a disputed payment's
// disputes), and close (the merchant accepts: lost, charge.dispute.closed; tests). Opening,
// reviewing and deciding a dispute is the bank's doing: the control API.

export function disputeRoutes(r: ApiRouter): void {
  r.add('GET', '/v1/disputes', ({ acct, input }) => {
    const charge = input.string('charge');
    const pi = input.string('payment_intent');
    const disputes = [...acct.store.disputes.values()].filter(
      (d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi),
    );
    return paginate(disputes, input, '/v1/disputes');
  });
  r.add('POST', '/v1/disputes/:id/close', ({ acct, id }) =>
    closeDispute(acct, found(acct.store.disputes.get(id), 'dispute', id), 'lost'),
  );
}
