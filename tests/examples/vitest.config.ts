import { relative, resolve } from 'node:path';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { recordLog } from '../support/pii-scan.ts';

// The examples run inside workerd as a site would deploy them: examples/cloudflare-worker is
// the Worker under test (`exports.default`), and the paywall service it asks is the real one,
// started by ./global-setup.ts (wrangler dev) behind a proxy that counts the calls it gets.
// Files run one after another: call counts are read before and after each step.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  plugins: [
    cloudflareTest(({ inject }) => {
      const ctx = inject('examples');
      return {
        main: './examples/cloudflare-worker/src/index.ts',
        wrangler: { configPath: './examples/cloudflare-worker/wrangler.toml' },
        miniflare: {
          bindings: {
            PAYWALL_URL: ctx.serviceUrl,
            PAYWALL_API_KEY: 'local-dev-key',
            TEST_SERVICE_URL: ctx.serviceUrl,
            TEST_DIRECT_SERVICE_URL: ctx.directServiceUrl,
            TEST_STRIPE_URL: ctx.stripeUrl,
            TEST_SIGNING_KEYS: ctx.signingKeys,
            TEST_HANGING_URL: ctx.hangingUrl,
            TEST_HANGING_COUNTS_URL: ctx.hangingCountsUrl,
            TEST_CLOSED_URL: ctx.closedUrl,
          },
        },
      };
    }),
  ],
  test: {
    include: ['tests/examples/**/*.test.ts'],
    globalSetup: ['./tests/examples/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // What the example Worker (and the client in it) logs is scanned for personal data too;
    // ./global-setup.ts fails the run on a finding (tests/support/pii-scan.ts). The service's
    // own logs are scanned by tests/e2e/stack.ts.
    onConsoleLog(log, _type, entity) {
      const id = entity?.type === 'module' ? entity.moduleId : entity?.module.moduleId;
      recordLog(id ? relative(resolve(import.meta.dirname, '../..'), id) : 'examples', log);
    },
  },
});
