import { Router } from '../router';
import { checkoutRoutes } from './checkout';
import type { ApiHandler } from './context';
import { customerRoutes } from './customers';
import { disputeRoutes } from './disputes';
import { eventRoutes } from './events';
import { paymentRoutes } from './payments';
import { portalRoutes } from './portal';
import { priceRoutes } from './prices';
import { subscriptionRoutes } from './subscriptions';

/** The emulated subset of Stripe's /v1 API. */
export function apiRouter(): Router<ApiHandler> {
  const r = new Router<ApiHandler>();
  customerRoutes(r);
  priceRoutes(r);
  checkoutRoutes(r);
  subscriptionRoutes(r);
  paymentRoutes(r);
  disputeRoutes(r);
  portalRoutes(r);
  eventRoutes(r);
  return r;
}
