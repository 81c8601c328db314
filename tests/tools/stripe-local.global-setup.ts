import type { TestProject } from 'vitest/node';
import { startStripeLocal } from '../../tools/stripe-local/server';
import { startWebhookCapture } from './webhook-capture-server';

// globalSetup for tests/tools/stripe-local.vitest.config.ts: one emulator and one webhook
// receiver for the run, in Node. Tests make their own isolated accounts on the emulator
// (POST /_control/accounts), so they can run side by side and change delivery modes freely.
// The same pieces can be started from tests/global-setup.ts with the same provide() names.

export const TEST_PRICES = [
  {
    id: 'price_local_monthly',
    unit_amount: 500,
    currency: 'eur',
    recurring: { interval: 'month' as const },
    product_name: 'Monthly subscription',
  },
  {
    id: 'price_local_yearly',
    unit_amount: 5000,
    currency: 'eur',
    recurring: { interval: 'year' as const },
    product_name: 'Yearly subscription',
    lookup_key: 'yearly',
  },
];

export default async function setup(project: TestProject) {
  const capture = await startWebhookCapture();
  const stripe = await startStripeLocal({
    port: 0,
    prices: TEST_PRICES,
    // Compressed redelivery: the same retry schedule shape, in milliseconds.
    webhookRetryDelaysMs: [50, 100, 200],
  });
  project.provide('stripeLocalUrl', stripe.url);
  project.provide('stripeLocalSecretKey', stripe.secretKey);
  project.provide('stripeLocalWebhookSecret', stripe.webhookSecret);
  project.provide('webhookCaptureUrl', capture.url);
  return async () => {
    await Promise.all([stripe.close(), capture.close()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stripeLocalUrl: string;
    stripeLocalSecretKey: string;
    stripeLocalWebhookSecret: string;
    webhookCaptureUrl: string;
  }
}
