import { Router } from '../router';
import { checkoutRoutes } from './checkout';
import type { ApiHandler } from './context';
import { customerRoutes } from './customers';
import { disputeRoutes } from './disputes';
import { paymentRoutes } from './payments';
import { portalRoutes } from './portal';
import { subscriptionRoutes } from './subscriptions';

/**
 * The emulated subset of Stripe's /v1 API: what src/ calls, and what the tests of src/ call
 * to set up or inspect a scenario (README.md lists each route and who needs it). A route
 * nothing calls is not served, so the emulator cannot drift from Stripe where no one looks.
 */
export function apiRouter(): Router<ApiHandler> {
  const r = new Router<ApiHandler>();
  customerRoutes(r);
  checkoutRoutes(r);
  subscriptionRoutes(r);
  paymentRoutes(r);
  disputeRoutes(r);
  portalRoutes(r);
  return r;
}
