import { type ApiRouter, found, paginate } from './context';

// /v1/subscriptions: retrieve (src/billing syncs a subscription from Stripe's copy, never
// from a webhook's payload) and list (tests). Changes come from the hosted portal page and
// the control API (renew, fail_payment, cancel), as they do from a reader and from time.

export function subscriptionRoutes(r: ApiRouter): void {
  r.add(
    'GET',
    '/v1/subscriptions/:id',
    ({ acct, id }) => found(acct.store.subscriptions.get(id), 'subscription', id).sub,
  );

  r.add('GET', '/v1/subscriptions', ({ acct, input }) => {
    const customer = input.string('customer');
    const price = input.string('price');
    const status = input.string('status');
    const subs = [...acct.store.subscriptions.values()]
      .map((rec) => rec.sub)
      .filter(
        (s) =>
          (!customer || s.customer === customer) &&
          (!price || s.items.data.some((item) => item.price.id === price)) &&
          // Stripe's default leaves canceled subscriptions out; `status=all` includes them.
          (status === 'all' ? true : status ? s.status === status : s.status !== 'canceled'),
      );
    return paginate(subs, input, '/v1/subscriptions');
  });
}
