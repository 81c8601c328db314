import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Browser journeys in Debian's Chromium, driven by playwright-core from Node (not workerd).
// tests/e2e/global-setup.ts starts the whole stack once on ephemeral ports; each journey is
// one reader in its own browser context. Files run one after another: the machine is small
// and a browser plus wrangler dev already keep both cores busy.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['./tests/e2e/global-setup.ts'],
    fileParallelism: false,
    // One journey waits out a 60 s entitlement token; the rest are page loads on a noisy box.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // expect.poll retries until the page shows what a step waits for (a redirect chain that
    // waits for webhook deliveries can take seconds), instead of sleeping.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
