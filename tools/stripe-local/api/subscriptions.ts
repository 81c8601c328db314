import { invalidParam } from '../errors';
import { cancelNow, updateSubscription } from '../flows/subscriptions';
import { applyMetadata } from '../params';
import { type ApiRouter, found, paginate } from './context';

// /v1/subscriptions: retrieve, update (cancel_at_period_end, metadata, description →
// customer.subscription.updated), cancel (DELETE → customer.subscription.deleted), list.
// Changing items or prices is not emulated and says so rather than being ignored.

const NOT_EMULATED = [
  'items',
  'cancel_at',
  'trial_end',
  'pause_collection',
  'billing_cycle_anchor',
];

export function subscriptionRoutes(r: ApiRouter): void {
  r.add(
    'GET',
    '/v1/subscriptions/:id',
    ({ acct, id }) => found(acct.store.subscriptions.get(id), 'subscription', id).sub,
  );

  r.add('POST', '/v1/subscriptions/:id', ({ acct, id, input }) => {
    const rec = found(acct.store.subscriptions.get(id), 'subscription', id);
    const unsupported = NOT_EMULATED.find((key) => input.has(key));
    if (unsupported) {
      throw invalidParam(unsupported, `stripe-local does not emulate updating \`${unsupported}\`.`);
    }
    const metadata = input.metadata();
    updateSubscription(acct, rec, {
      cancelAtPeriodEnd: input.bool('cancel_at_period_end'),
      metadata: metadata === undefined ? undefined : applyMetadata(rec.sub.metadata, metadata),
      description: input.nullableString('description'),
    });
    return rec.sub;
  });

  r.add('DELETE', '/v1/subscriptions/:id', ({ acct, id, input }) => {
    const rec = found(acct.store.subscriptions.get(id), 'subscription', id);
    const comment = input.object('cancellation_details')?.string('comment');
    cancelNow(acct, rec, 'cancellation_requested', comment);
    return rec.sub;
  });

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
