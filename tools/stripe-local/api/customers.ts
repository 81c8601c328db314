import { changedFields } from '../events';
import { snapshot } from '../objects/common';
import { buildCustomer } from '../objects/customer';
import { applyMetadata, createMetadata } from '../params';
import { type ApiRouter, found, paginate } from './context';

// /v1/customers: create (customer.created), retrieve, update (customer.updated), list.

export function customerRoutes(r: ApiRouter): void {
  r.add('POST', '/v1/customers', ({ acct, input }) => {
    const customer = buildCustomer(
      {
        email: input.nullableString('email') ?? null,
        name: input.nullableString('name') ?? null,
        description: input.nullableString('description') ?? null,
        phone: input.nullableString('phone') ?? null,
        metadata: createMetadata(input.metadata()),
      },
      acct.clock.now(),
    );
    acct.store.customers.set(customer.id, customer);
    acct.events.emit('customer.created', customer);
    return customer;
  });

  r.add('GET', '/v1/customers/:id', ({ acct, id }) =>
    found(acct.store.customers.get(id), 'customer', id),
  );

  r.add('POST', '/v1/customers/:id', ({ acct, id, input }) => {
    const customer = found(acct.store.customers.get(id), 'customer', id);
    const before = snapshot(customer);
    for (const key of ['email', 'name', 'description', 'phone'] as const) {
      const value = input.nullableString(key);
      if (value !== undefined) customer[key] = value;
    }
    customer.metadata = applyMetadata(customer.metadata, input.metadata());
    const previous = changedFields(before, customer);
    if (Object.keys(previous).length > 0) acct.events.emit('customer.updated', customer, previous);
    return customer;
  });

  r.add('GET', '/v1/customers', ({ acct, input }) => {
    const email = input.string('email');
    const customers = [...acct.store.customers.values()].filter((c) => !email || c.email === email);
    return paginate(customers, input, '/v1/customers');
  });
}
