import type { TestProject } from 'vitest/node';
import { startStripeLocal } from '../../tools/stripe-local/server';
import { startWebhookCapture } from './webhook-capture-server';

// globalSetup for tests/tools/stripe-local.vitest.config.ts: one emulator and one webhook
// receiver for the run, in Node. Tests make their own isolated accounts on the emulator
// (POST /_control/accounts) with their own prices, so they can run side by side, change
// delivery modes freely, and need nothing from this setup but the two URLs.
// The same pieces can be started from tests/global-setup.ts with the same provide() names.

export default async function setup(project: TestProject) {
  const capture = await startWebhookCapture();
  const stripe = await startStripeLocal({
    port: 0,
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
