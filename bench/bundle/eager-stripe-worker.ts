import Stripe from 'stripe';
import worker from '../../src/index';

/**
 * The real worker with Stripe's SDK evaluated at startup, as it was before
 * src/billing/stripe-client.ts imported it on first use: a static import of the package
 * makes the bundler run its module code in the global scope. The bench starts this next to
 * the deployed build to show what the lazy import saves; it is never deployed.
 */
export default {
  fetch(request, env, ctx) {
    if (typeof Stripe !== 'function') throw new Error('the Stripe SDK did not load');
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Record<string, unknown>>;
