import { control, stripeClient } from './stripe';
import { API_KEY, BASE, callWorker } from './worker';

export const SITE_ORIGIN = BASE;

export function checkoutJson(
  body: unknown,
  init: { key?: string | null; ip?: string } = {},
): Request {
  const headers = new Headers({
    'content-type': 'application/json',
    'cf-connecting-ip': init.ip ?? '198.51.100.7',
  });
  const key = init.key === undefined ? API_KEY : init.key;
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return new Request(`${BASE}/_paywall/v1/checkout`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

export function checkoutForm(
  fields: Record<string, string>,
  init: { origin?: string | null; cookie?: string; ip?: string } = {},
): Request {
  const headers = new Headers({
    'content-type': 'application/x-www-form-urlencoded',
    'cf-connecting-ip': init.ip ?? '198.51.100.8',
  });
  const origin = init.origin === undefined ? SITE_ORIGIN : init.origin;
  if (origin !== null) headers.set('origin', origin);
  if (init.cookie) headers.set('cookie', init.cookie);
  return new Request(`${BASE}/_paywall/v1/checkout`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** A fresh documentation-range IP per test, so rate limits never leak between tests. */
export function freshIp(): string {
  const n = crypto.getRandomValues(new Uint8Array(2));
  return `203.0.${n[0]}.${n[1]}`;
}

/**
 * A paid monthly subscription made through the worker (the JSON checkout, then the payer on
 * the emulator): its Stripe subscription id and the events the payment emitted, undelivered.
 */
export async function paidSubscription(): Promise<{
  subscriptionId: string;
  events: { id: string; type: string }[];
}> {
  const response = await callWorker(
    checkoutJson({ plan: 'monthly', returnTo: '/w' }, { ip: freshIp() }),
  );
  const { url } = (await response.json()) as { url: string };
  const sessionId = new URL(url).pathname.split('/').pop() as string;
  const paid = await control<{ events: { id: string; type: string }[] }>(
    `/_control/checkout/sessions/${sessionId}/pay`,
    { outcome: 'success' },
  );
  const session = await stripeClient().checkout.sessions.retrieve(sessionId);
  return { subscriptionId: session.subscription as string, events: paid.events };
}
