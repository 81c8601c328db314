import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Runs only the stripe-local conformance tests, in workerd, against an emulator and a
// webhook receiver started in Node by stripe-local.global-setup.ts:
//   npx vitest run --config tests/tools/stripe-local.vitest.config.ts
// The tests use the real `stripe` SDK (its worker build) and nothing of the app, so this
// config loads no worker entry.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      miniflare: {
        compatibilityDate: '2026-04-20',
        compatibilityFlags: ['nodejs_compat'],
        bindings: {
          TEST_STRIPE_URL: inject('stripeLocalUrl'),
          TEST_STRIPE_SECRET_KEY: inject('stripeLocalSecretKey'),
          TEST_STRIPE_WEBHOOK_SECRET: inject('stripeLocalWebhookSecret'),
          TEST_WEBHOOK_CAPTURE_URL: inject('webhookCaptureUrl'),
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./tests/tools/stripe-local.global-setup.ts'],
    include: ['tests/tools/stripe-local*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
