import { createHash } from 'node:crypto';
import { StripeLocalError } from './errors';
import type { FormObject } from './form';

// Stripe's idempotency: a key replays the first answer for the same request, and refuses a
// different request. The SDK sends a key with every POST (its own `stripe-node-retry-…`
// unless the caller passes one), so a retried create never makes a second object.
//
// Only successful answers are kept. Stripe also keeps some errors, but a request refused
// by validation is not saved there either, and re-running a failed request here is harmless.

interface Saved {
  fingerprint: string;
  status: number;
  body: string;
}

export class IdempotencyCache {
  private readonly saved = new Map<string, Saved>();

  /** The saved answer for this key, or null when the request should run. */
  lookup(key: string, method: string, path: string, params: FormObject): Saved | null {
    const saved = this.saved.get(key);
    if (!saved) return null;
    if (saved.fingerprint !== fingerprint(method, path, params)) {
      throw new StripeLocalError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return saved;
  }

  save(
    key: string,
    method: string,
    path: string,
    params: FormObject,
    status: number,
    body: string,
  ) {
    this.saved.set(key, { fingerprint: fingerprint(method, path, params), status, body });
  }
}

/** Method, path and parameters, with object keys sorted so encoding order does not matter. */
function fingerprint(method: string, path: string, params: FormObject): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify([method, path, canonical(params)]))
    .digest('hex');
}
