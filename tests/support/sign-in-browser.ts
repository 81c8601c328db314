import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { createOutboxMailer } from '../../src/mail/outbox';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { CookieJar } from './cookie-jar';
import type { IsolatedWorker } from './isolated-stripe';
import { BASE } from './worker';

// A browser for the sign-in journeys in workerd (tests/integration/sign-in*.test.ts,
// erasure.test.ts): its own cookies and address, the code read from the development outbox,
// and a payment on the Stripe emulator.

export type Fetcher = (request: Request) => Promise<Response>;
export const ACCT = '__Host-paywall_acct';
export const ENT = '__Host-paywall_ent';
export const SIGNIN = '__Host-paywall_signin';
export const RID = '__Host-paywall_rid';

let ipCounter = 0;
/** One browser: its own cookies and its own address (rate limits never meet across tests). */
export class Browser {
  readonly jar = new CookieJar();
  readonly ip: string;
  constructor(
    readonly fetcher: Fetcher,
    ip?: string,
  ) {
    ipCounter += 1;
    this.ip = ip ?? `2001:db8:${(ipCounter + Math.floor(Math.random() * 60_000)).toString(16)}::1`;
  }
  async get(path: string): Promise<Response> {
    const response = await this.fetcher(
      new Request(`${BASE}${path}`, { headers: this.headers(), redirect: 'manual' }),
    );
    this.jar.take(response);
    return response;
  }
  async post(path: string, fields: Record<string, string>, origin = BASE): Promise<Response> {
    const headers = this.headers();
    headers.set('content-type', 'application/x-www-form-urlencoded');
    headers.set('origin', origin);
    const response = await this.fetcher(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      }),
    );
    this.jar.take(response);
    return response;
  }
  private headers(): Headers {
    const headers = new Headers({ accept: 'text/html', 'cf-connecting-ip': this.ip });
    if (this.jar.header()) headers.set('cookie', this.jar.header());
    return headers;
  }
}

export const uniqueAddress = (label: string) =>
  `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;

export function outbox(iso: IsolatedWorker) {
  const redis = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 5_000,
  });
  return createOutboxMailer({ redis, keys: createKeys(iso.prefix), timeoutMs: 5_000 });
}

export async function mailsTo(iso: IsolatedWorker, address: string) {
  return (await outbox(iso).list()).filter((m) => m.to === address.trim().toLowerCase());
}

export async function latestCode(iso: IsolatedWorker, address: string): Promise<string> {
  const [newest] = await mailsTo(iso, address);
  const code = /\b(\d{6})\b/.exec(newest?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the outbox for this address');
  return code;
}

export async function requestCode(b: Browser, email: string, returnTo: string, intent = 'access') {
  return b.post('/_paywall/v1/sign-in', { email, intent, returnTo });
}

export async function signIn(iso: IsolatedWorker, b: Browser, email: string, returnTo: string) {
  const sent = await requestCode(b, email, returnTo);
  expect(sent.status).toBe(303);
  return b.post('/_paywall/v1/sign-in/verify', {
    code: await latestCode(iso, email),
    returnTo,
  });
}

/** Pays for a monthly plan from browser `b`'s prompt, as `email` at Stripe. */
export async function pay(iso: IsolatedWorker, b: Browser, email: string, returnTo: string) {
  const posted = await b.post('/_paywall/v1/checkout', { plan: 'monthly', returnTo });
  expect(posted.status).toBe(303);
  const sessionId = new URL(posted.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
  const paid = await iso.control<{ redirectUrl: string }>(
    `/_control/checkout/sessions/${sessionId}/pay`,
    { outcome: 'success', email },
  );
  const back = await b.get(new URL(paid.redirectUrl).pathname + new URL(paid.redirectUrl).search);
  expect(back.status).toBe(303);
  expect(b.jar.get(ENT)).toBeTruthy();
}
