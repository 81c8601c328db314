import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { TestProject } from 'vitest/node';
import { deleteKeys } from '../bench/support/redis-keys';
import { paywallConfigSchema } from '../src/config';
import { startDemoOrigin } from '../tools/demo-origin/server';
import { pricesForOffers } from '../tools/dev/local-stripe-prices';
import { newSigningKey } from '../tools/lib/keys';
import { startResendLocal } from '../tools/resend-local/server';
import { startStripeLocal } from '../tools/stripe-local/server';
import { startUpstashLocal } from '../tools/upstash-local/server';
import { startCanaryServer, startClosedPort, startHangingServer } from './support/fault-servers';
import { startFlakyProxy } from './support/flaky-proxy';
import { startHostileOrigin } from './support/hostile-origin';
import { reportOpenApiTally, startOpenApiValidator } from './support/openapi-validator';
import { failRunOnPii } from './support/pii-scan';
import { startRedisMonitorServer } from './support/redis-monitor-server';
import { hideExpectedWorkerdLogs } from './support/workerd-logs';
import { startWebhookCapture } from './tools/webhook-capture-server';

// Runs in Node before any workerd test. Each run gets a random key prefix so runs never
// collide on the shared redis-server, and nothing is ever flushed.
export default async function setup(project: TestProject) {
  // The fault tests make workerd log every refused connection as an "uncaught exception",
  // although the worker handles it: see tests/support/workerd-logs.ts. Left in place to the
  // end: the pool's own last entries come after this teardown.
  hideExpectedWorkerdLogs();
  const token = randomBytes(24).toString('base64url');
  const real = await startUpstashLocal({ port: 0, token, backend: 'auto' });
  const memory = await startUpstashLocal({ port: 0, token, backend: 'memory' });
  const hanging = await startHangingServer();
  const closed = await startClosedPort();
  const canary = await startCanaryServer();
  const flaky = await startFlakyProxy(real.url);
  // Receives the emulator's own webhook deliveries in its conformance tests.
  const capture = await startWebhookCapture();
  // The demo news site the proxy sits in front of.
  const origin = await startDemoOrigin({ port: 0 });
  // An origin that honours Range and serves markup and feeds we did not write.
  const hostileOrigin = await startHostileOrigin();
  // The Stripe emulator records events; tests deliver them to the worker themselves (the
  // worker under test listens on no port), with real signatures.
  const stripeWebhookSecret = `whsec_test_${randomBytes(16).toString('hex')}`;
  const stripe = await startStripeLocal({
    port: 0,
    secretKey: 'sk_test_local',
    webhookSecret: stripeWebhookSecret,
    prices: pricesForOffers(paywallConfigSchema.parse({}).offers),
  });
  // The Resend stand-in: the mail adapter's tests and its conformance with the resend SDK.
  const resend = await startResendLocal({ port: 0, apiKey: 're_test_local' });
  // Only where a real redis-server backs upstash-local can commands be counted at Redis.
  const monitor = real.backend === 'redis' ? await startRedisMonitorServer() : null;
  // Two published keys (the first signs) and one that has been rotated out.
  const signingKeys = [await newSigningKey(), await newSigningKey()];
  const retiredKey = await newSigningKey(new Date('2026-01-01T00:00:00Z'));
  // Checks every exchange the tests have with the worker against the served OpenAPI document
  // (tests/support/openapi-validator.ts; the tap is in tests/support/worker.ts).
  const openapi = await startOpenApiValidator();

  project.provide('upstashRedisUrl', real.url);
  project.provide('upstashMemoryUrl', memory.url);
  project.provide('redisBackend', real.backend);
  project.provide('upstashToken', token);
  const keyPrefix = `pwtest-${randomBytes(6).toString('hex')}:`;
  project.provide('keyPrefix', keyPrefix);
  project.provide('readerSecret', randomBytes(32).toString('base64url'));
  project.provide('hangingUrl', hanging.url);
  project.provide('closedUrl', closed.url);
  project.provide('monitorUrl', monitor?.url ?? '');
  project.provide('canaryUrl', canary.url);
  project.provide('flakyUrl', flaky.url);
  project.provide('webhookCaptureUrl', capture.url);
  project.provide('originUrl', origin.url);
  project.provide('hostileOriginUrl', hostileOrigin.url);
  project.provide('stripeUrl', stripe.url);
  project.provide('stripeWebhookSecret', stripeWebhookSecret);
  project.provide('resendUrl', resend.url);
  project.provide('signingKeys', JSON.stringify(signingKeys));
  project.provide('retiredSigningKey', JSON.stringify(retiredKey));
  project.provide('openapiValidatorUrl', openapi.url);

  // Close every server started above (a listening one left open keeps vitest from exiting:
  // "close timed out", "something prevents Vite server from exiting").
  return async () => {
    await Promise.all([
      real.close(),
      memory.close(),
      hanging.close(),
      canary.close(),
      flaky.close(),
      capture.close(),
      origin.close(),
      hostileOrigin.close(),
      stripe.close(),
      resend.close(),
      monitor?.close(),
      openapi.close(),
    ]);
    // The run's keys leave the shared redis-server with it (the publisher's counters would
    // otherwise stay their 400 days); everyone else's stay.
    if (real.backend === 'redis') {
      const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
      try {
        await deleteKeys(redis, keyPrefix);
      } finally {
        redis.disconnect();
      }
    }
    // Every exchange has been checked: the summary line, and the run failed on a disagreement.
    reportOpenApiTally(openapi.tally);
    // Every test has run: fail the run if any log line the worker wrote held personal data
    // (collected by vitest.config.ts's onConsoleLog; tests/support/pii-scan.ts).
    failRunOnPii();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    upstashRedisUrl: string;
    upstashMemoryUrl: string;
    redisBackend: 'redis' | 'memory';
    upstashToken: string;
    keyPrefix: string;
    readerSecret: string;
    hangingUrl: string;
    closedUrl: string;
    monitorUrl: string;
    canaryUrl: string;
    flakyUrl: string;
    webhookCaptureUrl: string;
    originUrl: string;
    hostileOriginUrl: string;
    stripeUrl: string;
    stripeWebhookSecret: string;
    resendUrl: string;
    signingKeys: string;
    retiredSigningKey: string;
    openapiValidatorUrl: string;
  }
}
