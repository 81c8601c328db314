// Bindings the tests see (vitest.config.ts sets them from tests/global-setup.ts).
declare namespace Cloudflare {
  interface Env {
    ENVIRONMENT: string;
    UPSTASH_REDIS_REST_URL: string;
    UPSTASH_REDIS_REST_TOKEN: string;
    REDIS_KEY_PREFIX: string;
    READER_ID_SECRET: string;
    SITE_API_KEYS: string;
    PAYWALL_CONFIG: unknown;
    TEST_UPSTASH_MEMORY_URL: string;
    TEST_HANGING_URL: string;
    /** tests/examples: `{ connections }` the hanging service has accepted so far. */
    TEST_HANGING_COUNTS_URL: string;
    /** tests/examples: the example site Worker's bindings and the real service it asks. */
    PAYWALL_URL: string;
    PAYWALL_API_KEY: string;
    TEST_SERVICE_URL: string;
    TEST_DIRECT_SERVICE_URL: string;
    TEST_SIGNING_KEYS: string;
    TEST_CLOSED_URL: string;
    TEST_REDIS_BACKEND: 'redis' | 'memory';
    ENTITLEMENT_SIGNING_KEYS: string;
    ENTITLEMENT_ISSUER: string;
    ENTITLEMENT_AUDIENCE: string;
    TEST_RETIRED_SIGNING_KEY: string;
    /** Empty when no real redis-server backs the tests. */
    TEST_MONITOR_URL: string;
    TEST_CANARY_URL: string;
    ORIGIN_URL: string;
    TEST_ORIGIN_URL: string;
    /** tests/support/hostile-origin.ts: Range, any method, markup and feeds we did not write. */
    TEST_HOSTILE_ORIGIN_URL: string;
    /** A proxy in front of upstash-local that fails a chosen share of requests per tenant. */
    TEST_FLAKY_URL: string;
    STRIPE_SECRET_KEY: string;
    STRIPE_WEBHOOK_SECRET: string;
    STRIPE_API_BASE: string;
    TEST_STRIPE_URL: string;
    TEST_STRIPE_WEBHOOK_SECRET: string;
    /** tools/resend-local, started by tests/global-setup.ts; its main key. */
    TEST_RESEND_URL: string;
    TEST_RESEND_API_KEY: string;
    /** Miniflare's local send_email bindings (vitest.config.ts). */
    TEST_SEND_EMAIL: SendEmail;
    TEST_SEND_EMAIL_RESTRICTED: SendEmail;
  }
}
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
}

// Vite's `?raw` imports (a file's text), e.g. the Pages example's static page.
declare module '*?raw' {
  const text: string;
  export default text;
}
