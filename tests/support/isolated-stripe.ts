import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import { cookieFrom } from './cookie-jar';
import type { EmittedEvent } from './stripe';
import { BASE, withBindings } from './worker';

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
  const prefix = `pwiso-${tag}:`;
  const fetcher = withBindings({
    STRIPE_SECRET_KEY: secretKey,
    REDIS_KEY_PREFIX: prefix,
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
    return ((await r.json()) as { data: EmittedEvent[] }).data;
  };
  const sessionCount = async () =>
    (await stripe.checkout.sessions.list({ limit: 100 })).data.length;
  return { fetcher, stripe, secretKey, prefix, control, events, sessionCount };
}

export type IsolatedWorker = Awaited<ReturnType<typeof isolatedWorker>>;
type Paid = { redirectUrl: string; events: { id: string; type: string }[] };

/**
 * A reader's whole purchase in one isolated deployment: the prompt's form post (a new
 * reader cookie), Stripe's page paid, and the way back with that cookie. Returns the
 * entitlement cookie set on the way back (null: none) and what Stripe made.
 */
export async function purchaseThroughPrompt(
  iso: IsolatedWorker,
  fields: Record<string, string>,
  ip = '192.0.2.200',
) {
  const posted = await iso.fetcher(
    new Request(`${BASE}/_paywall/v1/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: BASE,
        'cf-connecting-ip': ip,
      },
      body: new URLSearchParams({ returnTo: '/2026/11/story', ...fields }).toString(),
      redirect: 'manual',
    }),
  );
  if (posted.status !== 303) throw new Error(`checkout ${posted.status}: ${await posted.text()}`);
  const rid = cookieFrom(posted, '__Host-paywall_rid');
  const sessionId = new URL(posted.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
  const paid = await iso.control<Paid>(`/_control/checkout/sessions/${sessionId}/pay`, {
    outcome: 'success',
  });
  const back = await iso.fetcher(
    new Request(paid.redirectUrl, {
      redirect: 'manual',
      headers: rid ? { cookie: `__Host-paywall_rid=${rid}` } : {},
    }),
  );
  const session = await iso.stripe.checkout.sessions.retrieve(sessionId);
  return { back, token: cookieFrom(back, '__Host-paywall_ent'), session, paid };
}
