import { Account } from './account';
import { StripeLocalError, unauthenticated } from './errors';
import { randomToken } from './ids';
import { buildPrice, buildProduct, type LocalPrice } from './objects/price';

// The accounts an emulator holds, by secret key. Every account starts with the seeded
// prices (same ids), so a test's own account has the catalogue the app is configured with,
// unless it is created with a catalogue of its own.

export interface RegistryOptions {
  now: () => number;
  prices: LocalPrice[];
  retryDelaysMs: number[];
  webhookTimeoutMs: number;
  deliveryWaitMs: number;
}

export interface NewAccount {
  secretKey?: string | undefined;
  webhookUrl?: string | null | undefined;
  webhookSecret?: string | undefined;
  /** This account's catalogue instead of the emulator's seeded prices. */
  prices?: LocalPrice[] | undefined;
}

export class Registry {
  private readonly accounts = new Map<string, Account>();
  /** Set once the server listens: hosted-page links need the port. */
  baseUrl = '';

  constructor(private readonly opts: RegistryOptions) {}

  create(input: NewAccount): Account {
    const key = input.secretKey ?? `sk_test_${randomToken(24)}`;
    if (this.accounts.has(key)) {
      throw new StripeLocalError(
        400,
        'invalid_request_error',
        'That secret key is already in use.',
      );
    }
    const acct = new Account({
      secretKey: key,
      webhook: {
        url: input.webhookUrl ?? null,
        secret: input.webhookSecret ?? `whsec_${randomToken(32)}`,
        retryDelaysMs: [...this.opts.retryDelaysMs],
        timeoutMs: this.opts.webhookTimeoutMs,
      },
      now: this.opts.now,
      baseUrl: this.baseUrl,
      deliveryWaitMs: this.opts.deliveryWaitMs,
    });
    seedPrices(acct, input.prices ?? this.opts.prices);
    this.accounts.set(key, acct);
    return acct;
  }

  /** The account for a request's `Authorization`, or Stripe's 401. */
  authenticate(key: string | null): Account {
    if (!key) {
      throw unauthenticated(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    const acct = this.accounts.get(key);
    if (!acct) throw unauthenticated(`Invalid API Key provided: ${redact(key)}`);
    return acct;
  }

  /** The account holding an object (hosted pages know only the object's id). */
  find(has: (acct: Account) => boolean): Account | undefined {
    for (const acct of this.accounts.values()) if (has(acct)) return acct;
    return undefined;
  }

  close(): void {
    for (const acct of this.accounts.values()) acct.close();
  }
}

function seedPrices(acct: Account, prices: LocalPrice[]): void {
  const now = acct.clock.now();
  for (const p of prices) {
    const product = buildProduct({ name: p.product_name ?? p.nickname ?? p.id }, now);
    acct.store.products.set(product.id, product);
    const price = buildPrice(
      {
        id: p.id,
        unitAmount: p.unit_amount,
        currency: p.currency.toLowerCase(),
        recurring: p.recurring
          ? { interval: p.recurring.interval, interval_count: p.recurring.interval_count ?? 1 }
          : undefined,
        product: product.id,
        nickname: p.nickname ?? null,
        lookupKey: p.lookup_key ?? null,
        metadata: p.metadata ?? {},
      },
      now,
    );
    acct.store.prices.set(price.id, price);
  }
}

/** Stripe's redaction: the first 8 and last 4 characters. */
function redact(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}
