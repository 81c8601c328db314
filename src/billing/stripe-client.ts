import type Stripe from 'stripe';

export interface StripeClientOptions {
  secretKey: string;
  /** The local emulator's base URL (`npm start`, tests); unset means api.stripe.com. */
  apiBase?: string | undefined;
}

/**
 * The real `stripe` SDK on workerd's fetch. Against the emulator only host, port and
 * protocol change: the same SDK, the same requests. One network retry (the SDK sends the
 * same idempotency key), and a time limit per attempt so a stuck Stripe answers 503 rather
 * than hangs: two attempts of 4 s keep a reader's wait under about 8 s (Checkout Session
 * creation usually answers in well under a second).
 *
 * The SDK is imported on first use, not at the top: an isolate that only decides access and
 * serves articles never speaks to Stripe, and evaluating the SDK in the global scope added
 * about 10 ms of CPU to every cold start (the bundle bench, docs/performance.md, measures it
 * each run). The bundler keeps it in the same file; only its evaluation waits.
 */
/** The time limit of one attempt of a Stripe API call, in ms. */
export const STRIPE_ATTEMPT_TIMEOUT_MS = 4_000;

let sdk: Promise<typeof Stripe> | undefined;
const loadSdk = (): Promise<typeof Stripe> => {
  sdk ??= import('stripe').then((module) => module.default);
  return sdk;
};

export async function createStripeClient(opts: StripeClientOptions): Promise<Stripe> {
  const StripeSdk = await loadSdk();
  const base = opts.apiBase ? new URL(opts.apiBase) : null;
  return new StripeSdk(opts.secretKey, {
    httpClient: StripeSdk.createFetchHttpClient(),
    maxNetworkRetries: 1,
    timeout: STRIPE_ATTEMPT_TIMEOUT_MS,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

let cryptoProvider: Promise<ReturnType<typeof Stripe.createSubtleCryptoProvider>> | undefined;
/** Web Crypto for verifying webhook signatures (workerd has no Node crypto), made once. */
export function stripeCrypto(): Promise<ReturnType<typeof Stripe.createSubtleCryptoProvider>> {
  cryptoProvider ??= loadSdk().then((StripeSdk) => StripeSdk.createSubtleCryptoProvider());
  return cryptoProvider;
}
export type { Stripe };
