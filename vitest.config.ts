import { relative } from 'node:path';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { printCapturedLogs, recordLog } from './tests/support/pii-scan.ts';

// The workerd suite: every test here runs inside workerd through the real worker entry
// (src/index.ts). The pure modules' tests run in plain Node instead (tests/unit, its own
// config, `npm run test:unit`), so they are excluded here.
// Local servers the tests talk to (upstash-local on real Redis and on the embedded
// backend, a hanging TCP server, a closed port) start in Node in tests/global-setup.ts;
// their addresses reach the worker as bindings through provide/inject.

// stripe's package (and standardwebhooks, which the resend SDK pulls in) ships source maps that name TypeScript sources it does not ship, so Vite
// warns once per module (about 200 lines) as the worker imports it. Nothing to fix on our
// side; only that exact warning, for stripe's files, is dropped. Vitest replaces the Vite
// logger in its own `config` hook, so this wraps the resolved one.
const MISSING_STRIPE_SOURCES =
  /^Sourcemap for "[^"]*\/node_modules\/(stripe|standardwebhooks)\/[^"]*" points to missing source files$/;
const quietStripeSourcemaps = {
  name: 'paywall:quiet-stripe-sourcemaps',
  configResolved(config: { logger: { warnOnce(msg: string, options?: unknown): void } }) {
    const warnOnce = config.logger.warnOnce.bind(config.logger);
    config.logger.warnOnce = (msg, options) => {
      if (!MISSING_STRIPE_SOURCES.test(msg)) warnOnce(msg, options);
    };
  },
};

// The worker runs at its most verbose (LOG_LEVEL=info) so that every log line it can write
// is written, and every one is scanned for personal data (tests/support/pii-scan.ts):
// tests/global-setup.ts fails the run, naming the test file and the pattern, if one held
// any. The pool hands the worker isolate's console.* to onConsoleLog, in this process. The
// logger's own lines (JSON with a level) are kept off the terminal unless
// PAYWALL_TEST_LOGS=all; anything else a test prints still shows.
const LOGGER_LINE = /^\{"level":"(?:info|warn|error)"/;
function scanConsoleLog(log: string, _type: 'stdout' | 'stderr', entity?: ConsoleEntity): boolean {
  recordLog(sourceOf(entity), log);
  return printCapturedLogs() || !LOGGER_LINE.test(log);
}
interface ConsoleEntity {
  type: string;
  moduleId?: string;
  module?: { moduleId: string };
}
function sourceOf(entity: ConsoleEntity | undefined): string {
  const id = entity?.type === 'module' ? entity.moduleId : entity?.module?.moduleId;
  return id ? relative(import.meta.dirname, id) : 'the workerd suite (no test running)';
}

export default defineConfig({
  plugins: [
    quietStripeSourcemaps,
    cloudflareTest(({ inject }) => ({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ENVIRONMENT: 'test',
          LOG_LEVEL: 'info',
          // Room for a busy 2-core machine (the production default is 200 ms): a Redis call
          // the shared CPU delays must not turn an expected answer into a degraded one. Tests
          // of the limit itself set their own (access-faults, faults-redis, meter-backends).
          REDIS_TIMEOUT_MS: '1000',
          UPSTASH_REDIS_REST_URL: inject('upstashRedisUrl'),
          UPSTASH_REDIS_REST_TOKEN: inject('upstashToken'),
          REDIS_KEY_PREFIX: inject('keyPrefix'),
          READER_ID_SECRET: inject('readerSecret'),
          SITE_API_KEYS: 'test-key-primary-0123456789,test-key-rotated-0123456789',
          TEST_UPSTASH_MEMORY_URL: inject('upstashMemoryUrl'),
          TEST_HANGING_URL: inject('hangingUrl'),
          TEST_CLOSED_URL: inject('closedUrl'),
          TEST_REDIS_BACKEND: inject('redisBackend'),
          ENTITLEMENT_SIGNING_KEYS: inject('signingKeys'),
          STRIPE_SECRET_KEY: 'sk_test_local',
          STRIPE_WEBHOOK_SECRET: inject('stripeWebhookSecret'),
          STRIPE_API_BASE: inject('stripeUrl'),
          TEST_STRIPE_URL: inject('stripeUrl'),
          TEST_STRIPE_WEBHOOK_SECRET: inject('stripeWebhookSecret'),
          ENTITLEMENT_ISSUER: 'https://paywall.test',
          ENTITLEMENT_AUDIENCE: 'https://site.test',
          TEST_RETIRED_SIGNING_KEY: inject('retiredSigningKey'),
          TEST_MONITOR_URL: inject('monitorUrl'),
          TEST_CANARY_URL: inject('canaryUrl'),
          TEST_FLAKY_URL: inject('flakyUrl'),
          TEST_WEBHOOK_CAPTURE_URL: inject('webhookCaptureUrl'),
          ORIGIN_URL: inject('originUrl'),
          TEST_ORIGIN_URL: inject('originUrl'),
          TEST_HOSTILE_ORIGIN_URL: inject('hostileOriginUrl'),
          TEST_RESEND_URL: inject('resendUrl'),
          TEST_RESEND_API_KEY: 're_test_local',
        },
        // Miniflare's local send_email bindings (it records, delivers nothing): one open, one
        // that accepts a single recipient, as `allowed_destination_addresses` does in production.
        email: {
          send_email: [
            { name: 'TEST_SEND_EMAIL' },
            {
              name: 'TEST_SEND_EMAIL_RESTRICTED',
              allowed_destination_addresses: ['allowed@example.com'],
            },
          ],
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./tests/global-setup.ts'],
    setupFiles: ['./tests/support/openapi-tap-flush.ts'],
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/unit/**', 'tests/e2e/**', 'tests/examples/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    onConsoleLog: scanConsoleLog,
  },
});
