import Stripe from 'stripe';

/** Stripe's SDK alone in a worker's global scope: what it adds to startup over the floor. */
export default {
  fetch(): Response {
    return new Response(typeof Stripe.createFetchHttpClient);
  },
} satisfies ExportedHandler;
