import { invalidState } from '../errors';
import { createCheckoutSession } from '../flows/checkout-create';
import { list, snapshot } from '../objects/common';
import { type ApiRouter, found, paginate } from './context';

// /v1/checkout/sessions: create, retrieve (expand[] line_items, customer, subscription,
// payment_intent, invoice…), list, list line items, expire (checkout.session.expired).

export function checkoutRoutes(r: ApiRouter): void {
  r.add('POST', '/v1/checkout/sessions', ({ acct, input }) => createCheckoutSession(acct, input));

  r.add(
    'GET',
    '/v1/checkout/sessions/:id',
    ({ acct, id }) => found(acct.store.sessions.get(id), 'checkout.session', id).session,
  );

  r.add('GET', '/v1/checkout/sessions', ({ acct, input }) => {
    const filters = {
      customer: input.string('customer'),
      payment_intent: input.string('payment_intent'),
      subscription: input.string('subscription'),
      status: input.string('status'),
    };
    const sessions = [...acct.store.sessions.values()]
      .map((rec) => rec.session)
      .filter((s) =>
        Object.entries(filters).every(
          ([key, value]) => value === undefined || s[key as keyof typeof filters] === value,
        ),
      );
    return paginate(sessions, input, '/v1/checkout/sessions');
  });

  r.add('GET', '/v1/checkout/sessions/:id/line_items', ({ acct, id }) => {
    const rec = found(acct.store.sessions.get(id), 'checkout.session', id);
    return list(snapshot(rec.lineItems), `/v1/checkout/sessions/${id}/line_items`);
  });

  r.add('POST', '/v1/checkout/sessions/:id/expire', ({ acct, id }) => {
    const rec = found(acct.store.sessions.get(id), 'checkout.session', id);
    if (rec.session.status !== 'open') {
      throw invalidState(
        `Only Checkout Sessions with a status of \`open\` can be expired. This session has a status of \`${rec.session.status}\`.`,
      );
    }
    rec.session.status = 'expired';
    rec.session.url = null;
    acct.events.emit('checkout.session.expired', rec.session);
    return rec.session;
  });
}
