import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import { withBindings } from './worker';

/**
 * A worker with its own Stripe emulator account and its own Redis key prefix, so a test can
 * count exactly what it created at Stripe and its rate-limit windows (site-wide included)
 * start empty, whatever other test files run beside it.
 */
export async function isolatedWorker(paywallConfig: Record<string, unknown> = {}, extra = {}) {
  const tag = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  const secretKey = `sk_test_iso_${tag}`;
  const response = await fetch(`${env.STRIPE_API_BASE}/_control/accounts`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
    body: JSON.stringify({ secretKey }),
  });
  if (!response.ok) throw new Error(`accounts: ${response.status} ${await response.text()}`);
  const url = new URL(env.STRIPE_API_BASE);
  const stripe = new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    host: url.hostname,
    port: url.port,
    protocol: 'http',
  });
  const fetcher = withBindings({
    STRIPE_SECRET_KEY: secretKey,
    REDIS_KEY_PREFIX: `pwiso-${tag}:`,
    PAYWALL_CONFIG: paywallConfig,
    ...extra,
  });
  /** The emulator's test-control API, as this account. */
  const control = async <T = Record<string, unknown>>(
    path: string,
    body: Record<string, unknown> = {},
  ): Promise<T> => {
    const r = await fetch(`${env.STRIPE_API_BASE}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`control ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  /** Every event this account emitted, in order. */
  const events = async () => {
    const r = await fetch(`${env.STRIPE_API_BASE}/_control/events`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    return ((await r.json()) as { data: Stripe.Event[] }).data;
  };
  const sessionCount = async () =>
    (await stripe.checkout.sessions.list({ limit: 100 })).data.length;
  return { fetcher, stripe, secretKey, control, events, sessionCount };
}
