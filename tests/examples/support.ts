import { env, exports } from 'cloudflare:workers';
import type { JWTPayload } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../src/contract/entitlement-token';
import { CookieJar, setCookies } from '../support/cookie-jar';
import { signWith } from '../support/entitlements';
import { meterUsed as meterUsedAt } from '../support/meter-probe';

/** The example site's origin in these tests (allowed to post the prompt's forms). */
export const SITE = 'https://site.example';
export const ACCESS_CALL = 'POST /_paywall/v1/access';
export const JWKS_CALL = 'GET /.well-known/jwks.json';

/** What reached the service so far, by `METHOD /path`, counted at its door. */
async function serviceCounts(): Promise<Record<string, number>> {
  const response = await fetch(`${env.TEST_SERVICE_URL}/__counts`);
  return (await response.json()) as Record<string, number>;
}

/** Runs `step` and returns how many calls of each kind the service received meanwhile. */
export async function callsDuring<T>(
  step: () => Promise<T>,
): Promise<{ result: T; calls: (key: string) => number }> {
  const before = await serviceCounts();
  const result = await step();
  const after = await serviceCounts();
  return { result, calls: (key) => (after[key] ?? 0) - (before[key] ?? 0) };
}

/** `used` for the reader in `jar`, from a peek straight at the service (counts nothing). */
export const meterUsed = (jar: CookieJar) => meterUsedAt(env.TEST_DIRECT_SERVICE_URL, jar);

/** A page of the example site, as a browser with `jar` would ask for it. */
export async function visit(path: string, jar: CookieJar, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (jar.header()) headers.set('cookie', jar.header());
  headers.set('user-agent', 'Mozilla/5.0 (examples test)');
  const response = await exports.default.fetch(
    new Request(`${SITE}${path}`, { ...init, headers, redirect: 'manual' }),
  );
  jar.take(response);
  return response;
}

/**
 * An entitlement token signed with the service's own key (real Ed25519, real `kid`), with
 * the issuer and audience the service uses by default.
 */
export async function serviceToken(
  overrides: JWTPayload = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const [key] = JSON.parse(env.TEST_SIGNING_KEYS) as Parameters<typeof signWith>[0][];
  if (!key) throw new Error('the stack has no signing key');
  const iat = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: DEFAULT_ISSUER,
    aud: DEFAULT_AUDIENCE,
    sub: `sbr_${crypto.randomUUID().replaceAll('-', '').slice(0, 22)}`,
    iat,
    exp: iat + 600,
    jti: crypto.randomUUID(),
    ent: { kind: 'subscription', plan: 'monthly', status: 'active', until: iat + 20 * 86_400 },
    ...overrides,
  };
  return signWith(key, claims, header);
}

export { CookieJar, setCookies };
