import { type AdminAuthSettings, adminAuthSettings } from './admin/auth-config';
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
import { createErasure, type Erasure } from './privacy/erasure';
import { createReaderIdSigner, type ReaderIdSigner } from './reader/reader-id';
import { createRedisClient } from './redis/client';
import { DeadlineExceeded, withDeadline } from './redis/deadline';
import { createKeys } from './redis/keys';
import { createStats, type Stats } from './stats/stats';

/**
 * Everything a handler needs, built in one place (docs/architecture.md convention 2).
 * Handlers reach it through `c.var.services`; tests can hand `createApp` their own.
 *
 * Three kinds of member: `config` (PAYWALL_CONFIG, what the site chose), `deployment` (what the
 * env says about this deployment: its environment, its origin, the site's API keys), and the
 * services, which do the work and hold the other secrets themselves (the Stripe keys are
 * inside `billing`, the reader-id secret inside `readers`). What a request may never need is
 * built on first use, one way (`once`): the Stripe client inside `billing`, the imported
 * signing keys behind `keyRing()` and `entitlements()`.
 */
export interface Services {
  config: PaywallConfig;
  deployment: {
    environment: Env['ENVIRONMENT'];
    /** The site behind the worker; unset means the worker serves only its own routes. */
    originUrl: string | undefined;
    /** SITE_API_KEYS: the keys a site's server or middleware presents (src/http/api-key.ts). */
    siteApiKeys: readonly string[];
    /** Who may open the dashboard: Access, the admin key, or loopback (src/admin/auth.ts). */
    admin: AdminAuthSettings;
  };
  readers: ReaderIdSigner;
  meter: Meter;
  subscribers: SubscriberStore;
  /** Stripe, spoken to through here only. */
  billing: Billing;
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
  /** Removes what is stored about a reader or a site user (the erasure routes). */
  erasure: Erasure;
  /** The publisher's counters: counted in the isolate, flushed after responses (src/stats/). */
  stats: Stats;
  /** The signing keys, imported once per isolate, on first use. */
  keyRing(): Promise<KeyRing>;
  /** What minting and checking entitlement tokens takes: the key ring, the store, the policy. */
  entitlements(): Promise<EntitlementDeps>;
  redisHealth(): Promise<
    { ok: true; latencyMs: number } | { ok: false; failure: 'timeout' | 'unavailable' }
  >;
  now(): Date;
}

/** Built on the first call and kept (a rejected promise too: a bad key stays bad). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** The time limit of one Redis call made by an erasure (a SCAN page, a DEL), in ms. */
const ERASURE_CALL_TIMEOUT_MS = 5_000;

export function buildServices(env: Env): Services {
  const config = env.PAYWALL_CONFIG;
  const timeoutMs = env.REDIS_TIMEOUT_MS;
  const redis = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs,
  });
  const keys = createKeys(env.REDIS_KEY_PREFIX);
  const now = () => new Date();
  const readers = createReaderIdSigner(env.READER_ID_SECRET);
  const subscribers = createSubscriberStore({ redis, keys, timeoutMs });
  const mailer = createMailer(env, { redis, keys, timeoutMs });

  const e = config.entitlements;
  const policy = {
    issuer: env.ENTITLEMENT_ISSUER,
    audience: env.ENTITLEMENT_AUDIENCE,
    ttlSeconds: e.tokenTtlSeconds,
    refreshHorizonSeconds: e.refreshHorizonDays * 86_400,
    clockToleranceSeconds: e.clockToleranceSeconds,
    pastDueGraceDays: e.pastDueGraceDays,
  };
  const keyRing = once(() => loadKeyRing(env.ENTITLEMENT_SIGNING_KEYS));
  const entitlements = once(
    async (): Promise<EntitlementDeps> => ({ ring: await keyRing(), store: subscribers, policy }),
  );
  const limits = config.accounts.rateLimit;

  return {
    config,
    deployment: {
      environment: env.ENVIRONMENT,
      originUrl: env.ORIGIN_URL,
      siteApiKeys: env.SITE_API_KEYS,
      admin: adminAuthSettings(env),
    },
    readers,
    meter: createRedisMeter({ redis, keys, meter: config.meter, timeoutMs }),
    subscribers,
    billing: createBilling({
      // An isolate that only answers access decisions and article pages never builds it.
      stripe: once(() =>
        createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE }),
      ),
      webhookSecrets: env.STRIPE_WEBHOOK_SECRET,
      store: subscribers,
      signer: readers,
      deploymentId: env.DEPLOYMENT_ID,
      access: contributionAccess(config.offers),
      planInterval: (id) => config.offers.plans.find((p) => p.id === id)?.interval,
      now,
    }),
    eventClaims: createEventClaims({
      redis,
      keys,
      timeoutMs,
      processingTtlMs: config.webhooks.processingClaimSeconds * 1000,
    }),
    checkoutRateLimit: createCheckoutRateLimiter({
      redis,
      prefix: keys.rateLimitPrefix(),
      perIp: config.checkoutRateLimit.perIp,
      perNetwork: config.checkoutRateLimit.perNetwork,
      perReader: config.checkoutRateLimit.perReader,
      siteWide: config.checkoutRateLimit.siteWide,
      timeoutMs,
    }),
    // A redemption is remembered as long as the entitlement cookie it issued can live.
    checkoutRedemptions: createCheckoutRedemptions({
      redis,
      keys,
      timeoutMs,
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
    // Erasure walks the whole keyspace (SCAN pages of 1,000): an operator's call, not a
    // reader's, so each Redis call gets seconds rather than the reader path's limit.
    erasure: createErasure({
      redis: createRedisClient({
        url: env.UPSTASH_REDIS_REST_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: Math.max(timeoutMs, ERASURE_CALL_TIMEOUT_MS),
      }),
      keys,
      timeoutMs: Math.max(timeoutMs, ERASURE_CALL_TIMEOUT_MS),
    }),
    stats: createStats({ redis, keys, timeoutMs, config: config.stats }),
    keyRing,
    entitlements,
    async redisHealth() {
      const started = Date.now();
      try {
        await withDeadline(redis.ping(), timeoutMs);
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
