import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import { BASE } from './worker';

/** The real SDK, pointed at the emulator, for tests that drive Stripe directly. */
export function stripeClient(): Stripe {
  const url = new URL(env.STRIPE_API_BASE);
  return new Stripe('sk_test_local', {
    httpClient: Stripe.createFetchHttpClient(),
    host: url.hostname,
    port: url.port,
    protocol: 'http',
  });
}

/** Signs `payload` the way Stripe does (real HMAC), with the worker's secret by default. */
export async function signedWebhook(
  payload: string,
  opts: { secret?: string; timestamp?: number; header?: string } = {},
): Promise<Request> {
  const header =
    opts.header ??
    (await stripeClient().webhooks.generateTestHeaderStringAsync({
      payload,
      secret: opts.secret ?? env.STRIPE_WEBHOOK_SECRET,
      ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    }));
  return new Request(`${BASE}/_paywall/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: payload,
  });
}

/** One `v1=` signature for `payload` at `timestamp` under `secret`. */
export async function v1Signature(
  payload: string,
  secret: string,
  timestamp: number,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`${timestamp}.${payload}`),
  );
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A minimal event of a type the worker acknowledges without calling Stripe. */
export function harmlessEvent(id = `evt_test_${crypto.randomUUID().replace(/-/g, '')}`): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `cus_${crypto.randomUUID().slice(0, 8)}`, object: 'customer' } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'customer.created',
  });
}

/** The emulator's test-control API: what only Stripe, time or a payer would do. */
export async function control<T = Record<string, unknown>>(
  path: string,
  body: Record<string, unknown> = {},
  method = 'POST',
): Promise<T> {
  const response = await fetch(`${env.STRIPE_API_BASE}${path}`, {
    method,
    headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export type EmittedEvent = { id: string; type: string; data: { object: { id: string } } };

/** The full events, by id, as the emulator created them. */
export async function eventsById(ids: string[]): Promise<EmittedEvent[]> {
  const { data } = await control<{ data: EmittedEvent[] }>('/_control/events', {}, 'GET');
  const byId = new Map(data.map((e) => [e.id, e]));
  return ids.map((id) => {
    const event = byId.get(id);
    if (!event) throw new Error(`no event ${id}`);
    return event;
  });
}

/** Delivers one event to the worker as Stripe would (really signed); returns status and outcome. */
export async function deliver(
  fetcher: (r: Request) => Promise<Response>,
  event: EmittedEvent,
): Promise<{ status: number; outcome: string }> {
  const response = await fetcher(await signedWebhook(JSON.stringify(event)));
  const body = (await response.json()) as { outcome?: string; error?: { code: string } };
  return { status: response.status, outcome: body.outcome ?? body.error?.code ?? '' };
}

export async function deliverAll(
  fetcher: (r: Request) => Promise<Response>,
  ids: string[],
): Promise<{ status: number; outcome: string }[]> {
  const results = [];
  for (const event of await eventsById(ids)) results.push(await deliver(fetcher, event));
  return results;
}
