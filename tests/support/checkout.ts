import { API_KEY, BASE } from './worker';

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
