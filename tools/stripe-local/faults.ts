import type { ServerResponse } from 'node:http';
import { invalidParam } from './errors';
import { sendJson } from './http';
import type { Params } from './params';

// Faults on one account's API calls (`/v1/...`), switched through the control API
// (`POST /_control/faults`, as that account), so a test can prove what the worker does while
// Stripe is stuck, failing or rate-limiting it, without disturbing any other account. The
// control API, hosted pages and other accounts are never affected. See README.md.

export const STRIPE_FAULT_MODES = ['none', 'timeout', 'status500', 'status429'] as const;
export type StripeFaultMode = (typeof STRIPE_FAULT_MODES)[number];

export interface StripeFaultState {
  mode: StripeFaultMode;
  /** Only the next N API calls, then the fault clears itself; null: until cleared. */
  times: number | null;
  /** timeout: how long the call is held before its connection is dropped. */
  delayMs: number;
  /** status429: the Retry-After header, in seconds. */
  retryAfter: number;
  /** The `Stripe-Should-Retry` header on 500/429 answers; null: not sent (Stripe's usual). */
  shouldRetry: boolean | null;
  /** API calls this account received since the fault was set. */
  seen: number;
  /** Of those, the ones the fault answered or held. */
  faulted: number;
}

/** Past the worker's Stripe time limit (4 s per attempt, src/billing/stripe-client.ts). */
const DEFAULT_TIMEOUT_DELAY_MS = 10_000;

const CLEAR: Omit<StripeFaultState, 'seen' | 'faulted'> = {
  mode: 'none',
  times: null,
  delayMs: DEFAULT_TIMEOUT_DELAY_MS,
  retryAfter: 1,
  shouldRetry: null,
};

export class StripeFaults {
  private state: StripeFaultState = { ...CLEAR, seen: 0, faulted: 0 };
  private readonly held = new Set<NodeJS.Timeout>();

  set(input: Params): StripeFaultState {
    const mode = input.string('mode') ?? 'none';
    if (!(STRIPE_FAULT_MODES as readonly string[]).includes(mode)) {
      throw invalidParam('mode', `mode must be one of ${STRIPE_FAULT_MODES.join(', ')}`);
    }
    this.state = {
      mode: mode as StripeFaultMode,
      times: input.int('times', { min: 1 }) ?? null,
      delayMs: input.int('delayMs', { min: 0, max: 120_000 }) ?? DEFAULT_TIMEOUT_DELAY_MS,
      retryAfter: input.int('retryAfter', { min: 0, max: 3_600 }) ?? 1,
      shouldRetry: input.bool('shouldRetry') ?? null,
      seen: 0,
      faulted: 0,
    };
    return this.get();
  }

  get(): StripeFaultState {
    return { ...this.state };
  }

  /**
   * Answers (or holds) an API call if the fault says so; true when it did, and the call must
   * not run. Called before anything else of the API: auth has passed, nothing is stored.
   */
  intercept(res: ServerResponse, headers: Record<string, string>): boolean {
    const s = this.state;
    s.seen += 1;
    if (s.mode === 'none') return false;
    s.faulted += 1;
    const mode = s.mode;
    if (s.times !== null) {
      s.times -= 1;
      if (s.times <= 0) this.state = { ...CLEAR, seen: s.seen, faulted: s.faulted };
    }
    const retryHeader: Record<string, string> =
      s.shouldRetry === null ? {} : { 'stripe-should-retry': String(s.shouldRetry) };
    switch (mode) {
      case 'timeout': {
        // Stuck: no answer; after the delay the connection is dropped, the call never ran.
        const timer = setTimeout(() => {
          this.held.delete(timer);
          res.destroy();
        }, s.delayMs);
        this.held.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          this.held.delete(timer);
        });
        return true;
      }
      case 'status500':
        sendJson(
          res,
          500,
          JSON.stringify({
            error: {
              type: 'api_error',
              message: 'An unknown error occurred (stripe-local: injected fault).',
            },
          }),
          { ...headers, ...retryHeader },
        );
        return true;
      case 'status429':
        sendJson(
          res,
          429,
          JSON.stringify({
            error: {
              type: 'invalid_request_error',
              code: 'rate_limit',
              message:
                'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
              doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
            },
          }),
          { ...headers, ...retryHeader, 'retry-after': String(s.retryAfter) },
        );
        return true;
    }
  }

  close(): void {
    for (const timer of this.held) clearTimeout(timer);
    this.held.clear();
  }
}
