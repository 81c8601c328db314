import { env } from 'cloudflare:workers';
import { importJWK, type JWTPayload, SignJWT } from 'jose';
import { newSubscriberId, type SubscriberRecord } from '../../src/entitlements/record';
import { createSubscriberStore } from '../../src/entitlements/store';
import { createReaderIdSigner } from '../../src/reader/reader-id';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { type AccessBody, accessRequest, articleId } from './worker';

export const ISSUER = () => env.ENTITLEMENT_ISSUER;
export const AUDIENCE = () => env.ENTITLEMENT_AUDIENCE;

interface TestJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
  kid: string;
}

export const signingKeys = (): TestJwk[] => JSON.parse(env.ENTITLEMENT_SIGNING_KEYS) as TestJwk[];
export const retiredKey = (): TestJwk => JSON.parse(env.TEST_RETIRED_SIGNING_KEY) as TestJwk;

/** The store the worker uses, on the same Redis and prefix (or another prefix). */
export function testStore(prefix = env.REDIS_KEY_PREFIX) {
  const redis = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 5_000,
  });
  return createSubscriberStore({ redis, keys: createKeys(prefix), timeoutMs: 5_000 });
}

const nowS = () => Math.floor(Date.now() / 1000);

/** Writes a subscriber record linked to a fresh site user id, as the webhooks will. */
export async function seedSubscriber(
  overrides: Partial<SubscriberRecord> = {},
  prefix?: string,
): Promise<{ record: SubscriberRecord; userId: string }> {
  const userId = `user-${crypto.randomUUID()}`;
  const userKey = await createReaderIdSigner(env.READER_ID_SECRET).pseudonym(userId);
  const record: SubscriberRecord = {
    v: 1,
    subscriberId: newSubscriberId(),
    kind: 'subscription',
    plan: 'monthly',
    status: 'active',
    currentPeriodEnd: nowS() + 20 * 86_400,
    pastDueSince: null,
    stripe: { customerId: `cus_${crypto.randomUUID().slice(0, 12)}` },
    userKey,
    updatedAt: Date.now(),
    ...overrides,
  };
  await testStore(prefix).upsert(record);
  return { record, userId };
}

/** Asks the service for a decision as a signed-in user: a linked record mints a token. */
export async function mintViaService(
  fetcher: (r: Request) => Promise<Response>,
  userId: string,
): Promise<AccessBody> {
  const response = await fetcher(
    accessRequest({ article: { id: articleId() }, reader: { userId } }),
  );
  return (await response.json()) as AccessBody;
}

/** Signs arbitrary headers and claims with one of the test keys (for attack tokens). */
export async function signWith(
  key: TestJwk,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const privateKey = await importJWK(key, 'EdDSA');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'entitlement+jwt', ...header })
    .sign(privateKey);
}

/** Claims a genuine token would carry, for subscriber `sub`. */
export function genuineClaims(sub: string, overrides: JWTPayload = {}): JWTPayload {
  const iat = nowS();
  return {
    iss: ISSUER(),
    aud: AUDIENCE(),
    sub,
    iat,
    exp: iat + 900,
    jti: crypto.randomUUID(),
    ent: { kind: 'subscription', plan: 'monthly', status: 'active', until: iat + 20 * 86_400 },
    ...overrides,
  };
}

export function decideWithToken(
  fetcher: (r: Request) => Promise<Response>,
  token: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return fetcher(accessRequest({ article: { id: articleId() }, reader: { token, ...extra } }));
}
