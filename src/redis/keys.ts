/**
 * Every Redis key this worker writes is built here, and docs/redis-keys.md mirrors this
 * file. Keys carry a configurable prefix (REDIS_KEY_PREFIX) so one database can hold
 * several sites or test runs side by side.
 */
export interface RedisKeys {
  /** Set (calendar month) or sorted set (rolling) of article ids a reader read. */
  meter(periodId: string, subject: string): string;
  /** JSON subscriber record. */
  subscriber(subscriberId: string): string;
  /** Index: the site's user id (as an HMAC pseudonym) → subscriber id. */
  subscriberByUser(userKey: string): string;
  /** Index: an account (its address key) → subscriber id. */
  subscriberByAccount(accountKey: string): string;
  /** Index: Stripe customer id → subscriber id. */
  subscriberByCustomer(customerId: string): string;
  /** Index: Stripe subscription id → subscriber id. */
  subscriberByStripeSubscription(subscriptionId: string): string;
  /** Processing state of one Stripe event id: `processing` or `done`. */
  stripeEvent(eventId: string): string;
  /** Prefix for @upstash/ratelimit's own keys (checkout rate limits). */
  rateLimitPrefix(): string;
  /** The reader id a Checkout Session's success URL was redeemed for (once per session). */
  checkoutRedeemed(sessionId: string): string;
  /** Hash: the one live sign-in code for an address key (hashed code, browser tag, attempts). */
  signInCode(addressKey: string): string;
  /** JSON account record of a reader who signed in with an e-mailed code (keyed by address hash). */
  account(accountKey: string): string;
  /** One device's sign-in: the account key, until sign-out or `accounts.sessionDays`. */
  accountSession(sessionId: string): string;
  /** List of JSON messages the development outbox mailer kept (ENVIRONMENT=development/test only). */
  devOutbox(): string;
  /** Hash: the publisher's counters of one UTC day (`YYYY-MM-DD`), label → count (src/stats/labels.ts). */
  statsDay(day: string): string;
  /** HyperLogLog: the readers one day's live (or shadow) configuration walled, as hashes. */
  statsWalledReaders(day: string, which: 'live' | 'shadow'): string;
  /** Hash: the recurring supporters now, subscriber id → `{currency}:{annual amount}`. */
  statsSupporters(): string;
  /** A payment's session (or a cancellation's subscriber) already counted: counted once. */
  statsOnce(what: string): string;
  /** A flush's batch already written: a retried flush is not written twice. */
  statsBatch(batchId: string): string;
}

export function createKeys(prefix: string): RedisKeys {
  return {
    meter: (periodId, subject) => `${prefix}meter:${periodId}:${subject}`,
    subscriber: (id) => `${prefix}sub:${id}`,
    subscriberByUser: (userKey) => `${prefix}sub-by-user:${userKey}`,
    subscriberByAccount: (accountKey) => `${prefix}sub-by-account:${accountKey}`,
    subscriberByCustomer: (customerId) => `${prefix}sub-by-customer:${customerId}`,
    subscriberByStripeSubscription: (id) => `${prefix}sub-by-stripe-sub:${id}`,
    stripeEvent: (eventId) => `${prefix}stripe-event:${eventId}`,
    rateLimitPrefix: () => `${prefix}rl`,
    checkoutRedeemed: (sessionId) => `${prefix}checkout-redeemed:${sessionId}`,
    signInCode: (addressKey) => `${prefix}signin-code:${addressKey}`,
    account: (accountKey) => `${prefix}account:${accountKey}`,
    accountSession: (sessionId) => `${prefix}account-session:${sessionId}`,
    devOutbox: () => `${prefix}dev-outbox`,
    statsDay: (day) => `${prefix}stats:day:${day}`,
    statsWalledReaders: (day, which) => `${prefix}stats:walled-readers:${which}:${day}`,
    statsSupporters: () => `${prefix}stats:supporters`,
    statsOnce: (what) => `${prefix}stats:once:${what}`,
    statsBatch: (batchId) => `${prefix}stats:batch:${batchId}`,
  };
}
