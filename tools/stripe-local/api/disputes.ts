import { invalidParam } from '../errors';
import { closeDispute, reviewDispute } from '../flows/disputes';
import { applyMetadata } from '../params';
import { type ApiRouter, found, paginate } from './context';

// Disputes: read, list by charge or PaymentIntent, update (metadata; `submit=true` sends the
// evidence for review: charge.dispute.updated) and close (the merchant accepts: lost,
// charge.dispute.closed). Opening and deciding a dispute is the bank's doing: the control API.

/** Evidence fields are accepted by Stripe; the emulator keeps none of them, so it refuses them. */
const NOT_EMULATED = ['evidence', 'intended_submission_method'];

export function disputeRoutes(r: ApiRouter): void {
  r.add('GET', '/v1/disputes/:id', ({ acct, id }) =>
    found(acct.store.disputes.get(id), 'dispute', id),
  );
  r.add('GET', '/v1/disputes', ({ acct, input }) => {
    const charge = input.string('charge');
    const pi = input.string('payment_intent');
    const disputes = [...acct.store.disputes.values()].filter(
      (d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi),
    );
    return paginate(disputes, input, '/v1/disputes');
  });
  r.add('POST', '/v1/disputes/:id', ({ acct, id, input }) => {
    const dispute = found(acct.store.disputes.get(id), 'dispute', id);
    const unsupported = NOT_EMULATED.find((key) => input.has(key));
    if (unsupported) {
      throw invalidParam(unsupported, `stripe-local does not emulate updating \`${unsupported}\`.`);
    }
    const metadata = input.metadata();
    if (metadata !== undefined) dispute.metadata = applyMetadata(dispute.metadata, metadata);
    if (input.bool('submit')) reviewDispute(acct, dispute);
    return dispute;
  });
  r.add('POST', '/v1/disputes/:id/close', ({ acct, id }) =>
    closeDispute(acct, found(acct.store.disputes.get(id), 'dispute', id), 'lost'),
  );
}
