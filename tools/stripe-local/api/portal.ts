import { missingParam, missingReference } from '../errors';
import { buildPortalSession } from '../objects/portal';
import type { ApiRouter } from './context';

// POST /v1/billing_portal/sessions: a link to the hosted portal page for one customer
// (billing_portal.session.created). `return_url` is where its "Return" link goes.

/** The one portal configuration every account here has. */
export const PORTAL_CONFIGURATION = 'bpc_local_default';

export function portalRoutes(r: ApiRouter): void {
  r.add('POST', '/v1/billing_portal/sessions', ({ acct, input }) => {
    const customer = input.string('customer');
    if (!customer) throw missingParam('customer');
    if (!acct.store.customers.has(customer))
      throw missingReference('customer', customer, 'customer');
    const session = buildPortalSession(
      {
        customer,
        returnUrl: input.string('return_url') ?? null,
        baseUrl: acct.baseUrl,
        configuration: input.string('configuration') ?? PORTAL_CONFIGURATION,
      },
      acct.clock.now(),
    );
    acct.store.portalSessions.set(session.id, session);
    acct.events.emit('billing_portal.session.created', session);
    return session;
  });
}
