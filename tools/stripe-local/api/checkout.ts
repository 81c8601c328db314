import { createCheckoutSession } from '../flows/checkout-create';
import { type ApiRouter, found, paginate } from './context';

// /v1/checkout/sessions: create (src/routes/checkout.ts), retrieve (the way back and the
// webhooks; expand[] line_items, customer, subscription, payment_intent, invoice…), and list
// (the tests find the session a form post created). Expiry happens with time (the clock).

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
}
