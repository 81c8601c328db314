import { buildCustomer } from '../objects/customer';
import { createMetadata } from '../params';
import { type ApiRouter, paginate } from './context';

// /v1/customers: list by `email` (src/identity/supporters.ts finds a payer's support by the
// address they signed in with) and create (customer.created; tests make a customer to start
// from). Checkout makes the customers a payment needs itself.

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

  r.add('GET', '/v1/customers', ({ acct, input }) => {
    const email = input.string('email');
    const customers = [...acct.store.customers.values()].filter((c) => !email || c.email === email);
    return paginate(customers, input, '/v1/customers');
  });
}
