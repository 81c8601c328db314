import Stripe from 'stripe';

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
 */
/** The time limit of one attempt of a Stripe API call, in ms. */
export const STRIPE_ATTEMPT_TIMEOUT_MS = 4_000;

export function createStripeClient(opts: StripeClientOptions): Stripe {
  const base = opts.apiBase ? new URL(opts.apiBase) : null;
  return new Stripe(opts.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 1,
    timeout: STRIPE_ATTEMPT_TIMEOUT_MS,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

export const stripeCrypto = Stripe.createSubtleCryptoProvider();
export type { Stripe };
