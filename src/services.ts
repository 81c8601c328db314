import { type Billing, createBilling } from './billing/billing';
import { createEventClaims, type EventClaims } from './billing/event-claims';
import { contributionAccess } from './billing/offers';
import { type CheckoutRateLimiter, createCheckoutRateLimiter } from './billing/rate-limit';
import { type CheckoutRedemptions, createCheckoutRedemptions } from './billing/redemption';
import { createStripeClient } from './billing/stripe-client';
import type { PaywallConfig } from './config';
import type { EntitlementDeps } from './entitlements/resolve';
import { type KeyRing, loadKeyRing } from './entitlements/signing-keys';
import { createSubscriberStore, type SubscriberStore } from './entitlements/store';
import type { Env } from './env';
import { type Accounts, createAccounts } from './identity/accounts';
import { createSignInCodes, type SignInCodes } from './identity/codes';
import { createSignInRateLimiter, type SignInRateLimiter } from './identity/rate-limit';
import { createMailer, outboxOf } from './mail/choose';
import type { Mailer } from './mail/mailer';
import type { OutboxMessage } from './mail/outbox';
import { createRedisMeter, type Meter } from './meter/meter';
import { createReaderIdSigner, type ReaderIdSigner } from './reader/reader-id';
import { createRedisClient } from './redis/client';
import { DeadlineExceeded, withDeadline } from './redis/deadline';
import { createKeys } from './redis/keys';

/**
 * Everything a handler needs, built in one place (docs/architecture.md convention 2).
 * Handlers reach it through `c.var.services`; tests can hand `createApp` their own.
 */
export interface Services {
  config: PaywallConfig;
  /** The site behind the worker; unset means the worker serves only its own routes. */
  originUrl: string | undefined;
  environment: Env['ENVIRONMENT'];
  siteApiKeys: readonly string[];
  readers: ReaderIdSigner;
  meter: Meter;
  subscribers: SubscriberStore;
  billing: Billing;
  stripeWebhookSecrets: readonly string[];
  eventClaims: EventClaims;
  checkoutRateLimit: CheckoutRateLimiter;
  checkoutRedemptions: CheckoutRedemptions;
  /** Sends the sign-in codes; null when no mailer is configured (then sign-in is off). */
  mailer: Mailer | null;
  /** The development outbox's messages, for /_paywall/dev/outbox; null unless in use. */
  outbox: { list(): Promise<OutboxMessage[]> } | null;
  signInCodes: SignInCodes;
  signInRateLimit: SignInRateLimiter;
  accounts: Accounts;
  /** Keys are imported once per isolate, on first use. */
  entitlements(): Promise<EntitlementDeps>;
  keyRing(): Promise<KeyRing>;
  redisHealth(): Promise<
    { ok: true; latencyMs: number } | { ok: false; failure: 'timeout' | 'unavailable' }
  >;
  now(): Date;
}

export function buildServices(env: Env): Services {
  const redis = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: env.REDIS_TIMEOUT_MS,
  });
  const keys = createKeys(env.REDIS_KEY_PREFIX);
  const config = env.PAYWALL_CONFIG;
  const subscribers = createSubscriberStore({ redis, keys, timeoutMs: env.REDIS_TIMEOUT_MS });
  let ring: Promise<KeyRing> | undefined;
  const keyRing = () => {
    ring ??= loadKeyRing(env.ENTITLEMENT_SIGNING_KEYS);
    return ring;
  };
  const e = config.entitlements;
  const policy = {
    issuer: env.ENTITLEMENT_ISSUER,
    audience: env.ENTITLEMENT_AUDIENCE,
    ttlSeconds: e.tokenTtlSeconds,
    refreshHorizonSeconds: e.refreshHorizonDays * 86_400,
    clockToleranceSeconds: e.clockToleranceSeconds,
    pastDueGraceDays: e.pastDueGraceDays,
  };
  const readers = createReaderIdSigner(env.READER_ID_SECRET);
  const now = () => new Date();
  const timeoutMs = env.REDIS_TIMEOUT_MS;
  const mailer = createMailer(env, { redis, keys, timeoutMs });
  const limits = config.accounts.rateLimit;
  // Built on first use: an isolate that only answers access decisions and article pages
  // never needs the Stripe client.
  let billing: Billing | undefined;
  return {
    config,
    originUrl: env.ORIGIN_URL,
    environment: env.ENVIRONMENT,
    get billing() {
      billing ??= createBilling({
        stripe: createStripeClient({
          secretKey: env.STRIPE_SECRET_KEY,
          apiBase: env.STRIPE_API_BASE,
        }),
        store: subscribers,
        signer: readers,
        deploymentId: env.DEPLOYMENT_ID,
        access: contributionAccess(config.offers),
        now,
      });
      return billing;
    },
    stripeWebhookSecrets: env.STRIPE_WEBHOOK_SECRET,
    eventClaims: createEventClaims({
      redis,
      keys,
      timeoutMs: env.REDIS_TIMEOUT_MS,
      processingTtlMs: config.webhooks.processingClaimSeconds * 1000,
    }),
    checkoutRateLimit: createCheckoutRateLimiter({
      redis,
      prefix: keys.rateLimitPrefix(),
      perIp: config.checkoutRateLimit.perIp,
      perNetwork: config.checkoutRateLimit.perNetwork,
      perReader: config.checkoutRateLimit.perReader,
      siteWide: config.checkoutRateLimit.siteWide,
      timeoutMs: env.REDIS_TIMEOUT_MS,
    }),
    // A redemption is remembered as long as the entitlement cookie it issued can live.
    checkoutRedemptions: createCheckoutRedemptions({
      redis,
      keys,
      timeoutMs: env.REDIS_TIMEOUT_MS,
      ttlMs: Math.max(e.refreshHorizonDays, 1) * 86_400_000,
    }),
    mailer,
    outbox: outboxOf(mailer),
    signInCodes: createSignInCodes({ redis, keys, secret: env.READER_ID_SECRET, timeoutMs }),
    signInRateLimit: createSignInRateLimiter({
      redis,
      prefix: keys.rateLimitPrefix(),
      perAddress: limits.perAddress,
      perAddressDaily: limits.perAddressDaily,
      perIp: limits.perIp,
      perNetwork: limits.perNetwork,
      verifyPerNetwork: limits.verifyPerNetwork,
      siteWide: limits.siteWide,
      verifyPerIp: limits.verifyPerIp,
      windowSeconds: limits.windowSeconds,
      timeoutMs,
    }),
    accounts: createAccounts({ redis, keys, timeoutMs }),
    siteApiKeys: env.SITE_API_KEYS,
    readers,
    meter: createRedisMeter({ redis, keys, meter: config.meter, timeoutMs: env.REDIS_TIMEOUT_MS }),
    subscribers,
    keyRing,
    async entitlements() {
      return { ring: await keyRing(), store: subscribers, policy };
    },
    async redisHealth() {
      const started = Date.now();
      try {
        await withDeadline(redis.ping(), env.REDIS_TIMEOUT_MS);
        return { ok: true, latencyMs: Date.now() - started };
      } catch (error) {
        return {
          ok: false,
          failure: error instanceof DeadlineExceeded ? 'timeout' : 'unavailable',
        };
      }
    },
    now,
  };
}
