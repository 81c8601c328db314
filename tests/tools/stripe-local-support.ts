import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import type { Captured } from './webhook-capture-server';

// Shared by the stripe-local tests, which run inside workerd with the real `stripe` SDK
// (its worker build) against the emulator started in Node. Each test makes its own account
// on the emulator, with its own secret key, webhook bucket and secret, so tests never see
// each other's events, and one test moving its clock moves nobody else's.

const bindings = env as unknown as Record<string, string | undefined>;
export const STRIPE_URL = bindings.TEST_STRIPE_URL ?? '';
export const CAPTURE_URL = bindings.TEST_WEBHOOK_CAPTURE_URL ?? '';
export const MAIN_KEY = bindings.TEST_STRIPE_SECRET_KEY || 'sk_test_local';
/** The tests need both servers; until a config provides them they are skipped. */
export const AVAILABLE = STRIPE_URL !== '' && CAPTURE_URL !== '';

export const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** The SDK pointed at the emulator, exactly as the app points it. */
export function sdk(key: string, extra: Partial<Stripe.StripeConfig> = {}): Stripe {
  const url = new URL(STRIPE_URL || 'http://127.0.0.1:1');
  return new Stripe(key, {
    host: url.hostname,
    port: url.port,
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
    ...extra,
  });
}

export interface TestAccount {
  key: string;
  webhookSecret: string;
  bucket: string;
  stripe: Stripe;
  /** POST (or GET without a body) to the control API, as JSON; throws unless 2xx. */
  control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  /** Everything delivered to this account's webhook bucket so far. */
  received(): Promise<Captured[]>;
  /** Waits until `done(received)` holds; fails with what arrived after `timeoutMs`. */
  waitForDeliveries(
    done: (received: Captured[]) => boolean,
    timeoutMs?: number,
  ): Promise<Captured[]>;
  /** Verified events from successful (2xx-answered) deliveries, in arrival order. */
  verifiedEvents(): Promise<Stripe.Event[]>;
  /** The capture bucket answers the next `failNext` deliveries with `failStatus`. */
  failNextDeliveries(failNext: number, failStatus?: number): Promise<void>;
}

/** Every test account's catalogue, whatever the emulator was seeded with. */
export const TEST_PRICES = [
  {
    id: 'price_local_monthly',
    unit_amount: 500,
    currency: 'eur',
    recurring: { interval: 'month' },
    product_name: 'Monthly subscription',
  },
  {
    id: 'price_local_yearly',
    unit_amount: 5000,
    currency: 'eur',
    recurring: { interval: 'year' },
    product_name: 'Yearly subscription',
    lookup_key: 'yearly',
  },
];

export async function newAccount(): Promise<TestAccount> {
  const bucket = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  const webhookSecret = `whsec_test_${bucket}`;
  const created = await controlCall<{ secretKey: string }>(MAIN_KEY, '/_control/accounts', {
    webhookUrl: `${CAPTURE_URL}/hook/${bucket}`,
    webhookSecret,
    prices: TEST_PRICES,
  });
  const key = created.secretKey;
  const received = async () =>
    (await (await fetch(`${CAPTURE_URL}/received/${bucket}`)).json()) as Captured[];
  const account: TestAccount = {
    key,
    webhookSecret,
    bucket,
    stripe: sdk(key),
    control: (path, body) => controlCall(key, path, body),
    received,
    async waitForDeliveries(done, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await received();
        if (done(got)) return got;
        if (Date.now() > deadline) {
          throw new Error(`webhooks did not arrive in time; got: ${got.map(typeOf).join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async verifiedEvents() {
      const got = await received();
      return Promise.all(got.filter((c) => c.status === 200).map((c) => verify(c, webhookSecret)));
    },
    async failNextDeliveries(failNext, failStatus = 500) {
      await fetch(`${CAPTURE_URL}/config/${bucket}`, {
        method: 'POST',
        body: JSON.stringify({ failNext, failStatus }),
      });
    },
  };
  return account;
}

export async function controlCall<T>(key: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${STRIPE_URL}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The real check a webhook endpoint makes: signature over the raw body, SubtleCrypto. */
export async function verify(captured: Captured, secret: string): Promise<Stripe.Event> {
  return sdk('sk_unused').webhooks.constructEventAsync(
    captured.body,
    captured.signature ?? '',
    secret,
    undefined,
    cryptoProvider,
  );
}

export function typeOf(captured: Captured): string {
  return (JSON.parse(captured.body) as { type: string }).type;
}

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === 'string' ? ref : ref.id;
}

export const SECONDS = { day: 86_400, hour: 3_600 };
export const nowSeconds = () => Math.floor(Date.now() / 1000);
