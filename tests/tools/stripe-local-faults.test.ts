import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AVAILABLE, newAccount, STRIPE_URL, sdk } from './stripe-local-support';

// tools/stripe-local's injected faults (faults.ts), as the real `stripe` SDK sees them:
// Stripe's error envelope and classes, the SDK's retries (it retries a 500 and a dropped
// connection, not a 429 unless Stripe-Should-Retry says so), and scoping to one account.

type FaultState = { mode: string; seen: number; faulted: number; times: number | null };

describe.skipIf(!AVAILABLE)('stripe-local faults', () => {
  it('status500: api_error in the envelope; the SDK retries it once (maxNetworkRetries 1)', async () => {
    const acct = await newAccount();
    await acct.control('/_control/faults', { mode: 'status500' });
    const stripe = sdk(acct.key, { maxNetworkRetries: 1 });
    const error = await stripe.customers.create({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ type: 'StripeAPIError', statusCode: 500 });
    const state = await acct.control<FaultState>('/_control/faults');
    expect([state.seen, state.faulted]).toEqual([2, 2]);
    // Nothing ran: cleared, the account has no customer.
    await acct.control('/_control/faults', { mode: 'none' });
    expect((await stripe.customers.list()).data).toEqual([]);
  });

  it('status500 with shouldRetry false: Stripe-Should-Retry stops the SDK retrying', async () => {
    const acct = await newAccount();
    await acct.control('/_control/faults', { mode: 'status500', shouldRetry: false });
    const raw = await fetch(`${STRIPE_URL}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acct.key}` },
    });
    expect(raw.status).toBe(500);
    expect(raw.headers.get('stripe-should-retry')).toBe('false');
    expect(await raw.json()).toEqual({
      error: { type: 'api_error', message: expect.any(String) },
    });
    await expect(sdk(acct.key, { maxNetworkRetries: 1 }).customers.create({})).rejects.toThrow();
    expect((await acct.control<FaultState>('/_control/faults')).seen).toBe(2);
  });

  it('status429: StripeRateLimitError with Retry-After; not retried unless Stripe says so', async () => {
    const acct = await newAccount();
    await acct.control('/_control/faults', { mode: 'status429', retryAfter: 7 });
    const raw = await fetch(`${STRIPE_URL}/v1/customers`, {
      headers: { authorization: `Bearer ${acct.key}` },
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('rate_limit');

    const error = await sdk(acct.key, { maxNetworkRetries: 1 })
      .customers.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await acct.control<FaultState>('/_control/faults')).seen).toBe(2);

    await acct.control('/_control/faults', { mode: 'status429', shouldRetry: true, times: 1 });
    // Stripe-Should-Retry: true → the SDK retries, and the fault was for one call only.
    const list = await sdk(acct.key, { maxNetworkRetries: 1 }).customers.list();
    expect(list.data).toEqual([]);
    expect(await acct.control<FaultState>('/_control/faults')).toMatchObject({
      mode: 'none',
      seen: 2,
      faulted: 1,
    });
  });

  it('timeout: the call is held past the client’s limit, then dropped; it never ran', async () => {
    const acct = await newAccount();
    await acct.control('/_control/faults', { mode: 'timeout', delayMs: 5_000 });
    const error = await sdk(acct.key, { timeout: 300, maxNetworkRetries: 0 })
      .customers.create({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await acct.control('/_control/faults', { mode: 'none' });
    expect((await sdk(acct.key).customers.list()).data).toEqual([]);
  });

  it('times: only the next N calls; other accounts and the control API never see a fault', async () => {
    const acct = await newAccount();
    const other = await newAccount();
    await acct.control('/_control/faults', { mode: 'status500', times: 2 });
    expect((await sdk(other.key).customers.list()).data).toEqual([]);
    await acct.control('/_control/events'); // the control API is not faulted
    const stripe = sdk(acct.key);
    await expect(stripe.customers.list()).rejects.toThrow();
    await expect(stripe.customers.list()).rejects.toThrow();
    expect((await stripe.customers.list()).data).toEqual([]);
  });

  it('refuses a mode it does not know, as Stripe refuses a bad parameter', async () => {
    const acct = await newAccount();
    const response = await fetch(`${STRIPE_URL}/_control/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acct.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'sideways' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('mode');
  });
});
