import { type ApiRouter, found, paginate } from './context';

// GET /v1/events: the account's events, as Stripe's Events API lists them (newest first).

export function eventRoutes(r: ApiRouter): void {
  r.add('GET', '/v1/events/:id', ({ acct, id }) => found(acct.events.get(id), 'event', id).event);
  r.add('GET', '/v1/events', ({ acct, input }) => {
    const type = input.string('type');
    const types = input.strings('types');
    const events = acct.events
      .all()
      .map((e) => e.event)
      .filter(
        (e) => (!type || matches(e.type, type)) && (types.length === 0 || types.includes(e.type)),
      );
    return paginate(events, input, '/v1/events');
  });
}

/** `type` may end in `*`, as Stripe allows (`customer.subscription.*`). */
function matches(type: string, pattern: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}
