import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addressKey, normalizeAddress } from '../../src/identity/address';
import { createReaderIdSigner } from '../../src/reader/reader-id';
import { createRedisClient } from '../../src/redis/client';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { cookieFrom } from '../support/cookie-jar';
import { seedSubscriber } from '../support/entitlements';
import { type IsolatedWorker, isolatedWorker } from '../support/isolated-stripe';
import { ACCT, Browser, ENT, pay, signIn, uniqueAddress } from '../support/sign-in-browser';
import { deliver } from '../support/stripe';
import {
  type AccessBody,
  API_KEY,
  accessRequest,
  articleId,
  BASE,
  callWorker,
  readInOrder,
} from '../support/worker';

const redis = () =>
  createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 10_000,
  });

/** Every key under `prefix`, with the value of each string key (null for other types). */
async function everything(prefix: string): Promise<Map<string, string | null>> {
  const r = redis();
  const found = new Map<string, string | null>();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, { match: `${prefix}*`, count: 1000 });
    for (const key of keys) {
      const type = await r.type(key);
      found.set(key, type === 'string' ? await r.get<string>(key) : null);
    }
    cursor = String(next);
  } while (cursor !== '0');
  return found;
}

/** Keys (or string values) under `prefix` that mention `id`. */
async function mentions(prefix: string, id: string): Promise<string[]> {
  const all = await everything(prefix);
  return [...all].filter(([k, v]) => k.includes(id) || (v ?? '').includes(id)).map(([k]) => k);
}

function erase(
  path: 'readers' | 'users' | 'accounts',
  body: Record<string, unknown>,
  key: string | null = API_KEY,
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return new Request(`${BASE}/_paywall/v1/${path}`, {
    method: 'DELETE',
    headers,
    body: JSON.stringify(body),
  });
}

/** A reader who read two articles and began a checkout (rate-limit window, redemption). */
async function activeReader(iso: IsolatedWorker) {
  const answers = await readInOrder(iso.fetcher, [articleId(), articleId()]);
  const readerId = (answers.at(-1) as AccessBody).reader.id;
  const rawId = await createReaderIdSigner(env.READER_ID_SECRET).verify(readerId);
  if (rawId === null) throw new Error('the worker handed out an id it cannot verify');
  // Through the prompt's form with this reader's cookie: the per-reader checkout window.
  const posted = await iso.fetcher(
    new Request(`${BASE}/_paywall/v1/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: BASE,
        'cf-connecting-ip': '192.0.2.201',
        cookie: `__Host-paywall_rid=${readerId}`,
      },
      body: new URLSearchParams({
        returnTo: '/2026/11/story',
        customAmount: '6',
        recurring: 'once',
      }).toString(),
      redirect: 'manual',
    }),
  );
  expect(posted.status).toBe(303);
  expect(cookieFrom(posted, '__Host-paywall_rid')).toBeNull();
  // What the checkout's way back and other periods leave, written as the worker writes them.
  const r = redis();
  await r.set(`${iso.prefix}checkout-redeemed:cs_test_${crypto.randomUUID()}`, rawId);
  await r.sadd(`${iso.prefix}meter:2026-01:r:${rawId}`, 'old/article');
  await r.zadd(`${iso.prefix}meter:r30d:r:${rawId}`, { score: Date.now(), member: 'x' });
  return { readerId, rawId };
}

describe('DELETE /_paywall/v1/readers', () => {
  it('leaves no key naming the reader, answers 204 twice, and the meter starts again', async () => {
    const iso = await isolatedWorker();
    const { readerId, rawId } = await activeReader(iso);
    const other = await activeReader(iso);
    expect((await mentions(iso.prefix, rawId)).length).toBeGreaterThanOrEqual(5);
    const otherBefore = (await mentions(iso.prefix, other.rawId)).sort();

    const first = await iso.fetcher(erase('readers', { readerId }));
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect(await mentions(iso.prefix, rawId)).toEqual([]);
    // The other reader is untouched.
    expect((await mentions(iso.prefix, other.rawId)).sort()).toEqual(otherBefore);

    const again = await iso.fetcher(erase('readers', { readerId }));
    expect(again.status).toBe(204);

    const after = (await (
      await iso.fetcher(accessRequest({ article: { id: articleId() }, reader: { id: readerId } }))
    ).json()) as AccessBody;
    // The same reader (its signed id now carries a new meter state: src/meter/carried.ts).
    expect(after.reader.id.slice(0, 22)).toBe(readerId.slice(0, 22));
    expect(after.meter?.used).toBe(1);
  }, 60_000);

  it('refuses a forged or guessed id with 400 and erases nothing', async () => {
    const iso = await isolatedWorker();
    const { readerId, rawId } = await activeReader(iso);
    const other = await activeReader(iso);
    const before = (await mentions(iso.prefix, rawId)).sort();
    const forged = `${rawId}.${'A'.repeat(43)}`;
    for (const id of [
      forged,
      rawId,
      // One signature bit changed (not in the last character, whose low bits are padding).
      `${readerId.slice(0, 30)}${readerId[30] === 'A' ? 'B' : 'A'}${readerId.slice(31)}`,
      // Another reader id's signature on this raw id.
      `${rawId}.${other.readerId.split('.')[1]}`,
    ]) {
      const response = await iso.fetcher(erase('readers', { readerId: id }));
      expect(response.status, id).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_request',
      );
    }
    for (const body of [{}, { readerId: 5 }, { readerId: '' }, { readerId, extra: 1 }]) {
      const response = await iso.fetcher(erase('readers', body));
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await mentions(iso.prefix, rawId)).sort()).toEqual(before);
  }, 60_000);

  it('answers 401 without the site API key, or with a wrong one, and erases nothing', async () => {
    const iso = await isolatedWorker();
    const { readerId, rawId } = await activeReader(iso);
    const before = (await mentions(iso.prefix, rawId)).sort();
    for (const key of [null, 'not-the-key-0123456789']) {
      const response = await iso.fetcher(erase('readers', { readerId }, key));
      expect(response.status).toBe(401);
    }
    expect((await mentions(iso.prefix, rawId)).sort()).toEqual(before);
  }, 60_000);
});

describe('DELETE /_paywall/v1/users', () => {
  it('removes the meter and the link to the subscriber record, keeps the record, twice 204', async () => {
    const iso = await isolatedWorker();
    const { record, userId } = await seedSubscriber({}, iso.prefix);
    const userKey = record.userKey as string;
    const reader = await createReaderIdSigner(env.READER_ID_SECRET).pseudonym(userId);
    expect(reader).toBe(userKey);
    // A subscriber is let in without the meter: meter the same user as a reader once more.
    await redis().sadd(`${iso.prefix}meter:2026-11:u:${userKey}`, 'a/b');
    const linked = (await (
      await iso.fetcher(accessRequest({ article: { id: articleId() }, reader: { userId } }))
    ).json()) as AccessBody;
    expect(linked.entitlement?.subscriberId).toBe(record.subscriberId);
    const otherUser = await seedSubscriber({}, iso.prefix);
    expect(await mentions(iso.prefix, userKey)).toContain(`${iso.prefix}sub-by-user:${userKey}`);

    for (let i = 0; i < 2; i++) {
      const response = await iso.fetcher(erase('users', { userId }));
      expect(response.status).toBe(204);
      expect(await mentions(iso.prefix, userKey)).toEqual([]);
    }
    const kept = await redis().get<string>(`${iso.prefix}sub:${record.subscriberId}`);
    expect(kept).not.toBeNull();
    expect(JSON.parse(kept as string)).toMatchObject({ subscriberId: record.subscriberId });
    expect(JSON.parse(kept as string).userKey).toBeUndefined();
    // The other user keeps their link; this one is metered from zero as anyone else.
    expect(await mentions(iso.prefix, otherUser.record.userKey as string)).toContain(
      `${iso.prefix}sub-by-user:${otherUser.record.userKey}`,
    );
    const after = (await (
      await iso.fetcher(accessRequest({ article: { id: articleId() }, reader: { userId } }))
    ).json()) as AccessBody;
    expect(after.entitlement).toBeNull();
    expect(after.meter?.used).toBe(1);
  }, 60_000);

  it('answers 401 without the site API key', async () => {
    const iso = await isolatedWorker();
    const response = await iso.fetcher(erase('users', { userId: 'someone' }, null));
    expect(response.status).toBe(401);
  }, 60_000);
});

describe('DELETE /_paywall/v1/accounts', () => {
  it('signs every device out and leaves no key naming the account, and no webhook links it again', async () => {
    const iso = await isolatedWorker({ accounts: { registration: { enabled: true } } });
    const email = uniqueAddress('Erase.Me');
    const accountKey = await addressKey(
      createReaderIdSigner(env.READER_ID_SECRET),
      normalizeAddress(email) as string,
    );
    // Registered (account, session, sign-in windows), read while signed in (the account's
    // meter), then paid while signed in (the record names the account; the Checkout address
    // links it too).
    const [first, second] = ARTICLES;
    if (!first || !second) throw new Error('demo articles');
    const b = new Browser(iso.fetcher);
    expect((await signIn(iso, b, email, first.path)).status).toBe(303);
    expect(b.jar.get(ACCT)).toBeTruthy();
    await b.get(first.path);
    await pay(iso, b, email, first.path);
    const subscriberId = await redis().get<string>(`${iso.prefix}sub-by-account:${accountKey}`);
    expect(subscriberId).toMatch(/^sbr_/);
    // Paid twice while signed in: two records name the account; the index points at one.
    await pay(iso, b, email, second.path);
    const latest = await redis().get<string>(`${iso.prefix}sub-by-account:${accountKey}`);
    expect(latest).not.toBe(subscriberId);
    const before = await mentions(iso.prefix, accountKey);
    for (const kind of ['account:', 'account-session:', 'meter:', 'sub-by-account:', 'sub:']) {
      expect(before.map((key) => key.slice(iso.prefix.length))).toContainEqual(
        expect.stringMatching(new RegExp(`^${kind}`)),
      );
    }

    for (let i = 0; i < 2; i++) {
      const response = await iso.fetcher(erase('accounts', { email: ` ${email.toUpperCase()}` }));
      expect(response.status).toBe(204);
      expect(await mentions(iso.prefix, accountKey)).toEqual([]);
    }
    // The records stay, without the account and marked so that no sync brings it back.
    for (const id of [subscriberId, latest]) {
      const kept = JSON.parse((await redis().get<string>(`${iso.prefix}sub:${id}`)) ?? '{}');
      expect(kept).toMatchObject({ subscriberId: id, accountErased: true });
      expect(kept.accountKey).toBeUndefined();
    }

    // Stripe still holds the address and the metadata: the payment's events, delivered now,
    // and a renewal's, link nothing again.
    for (const event of await iso.events()) {
      expect((await deliver(iso.fetcher, event)).status).toBe(200);
    }
    const delivered = new Set((await iso.events()).map((e) => e.id));
    for (const subscription of (await iso.stripe.subscriptions.list({ limit: 10 })).data) {
      await iso.control(`/_control/subscriptions/${subscription.id}/renew`);
    }
    // The erased device, its account cookie still in the jar, pays once more (giving Stripe
    // another address: a new purchase with the erased one would link it anew, as any
    // purchase does): it pays as this browser, and its account cookie is deleted.
    expect(b.jar.get(ACCT)).toBeTruthy();
    await pay(iso, b, uniqueAddress('after'), first.path);
    expect(b.jar.get(ACCT)).toBeUndefined();
    for (const event of (await iso.events()).filter((e) => !delivered.has(e.id))) {
      expect((await deliver(iso.fetcher, event)).status).toBe(200);
    }
    expect(await mentions(iso.prefix, accountKey)).toEqual([]);

    // The device is signed out: without its entitlement cookie it is an anonymous reader.
    b.jar.set(ENT, '');
    const page = await b.get(second.path);
    expect(page.headers.get('paywall-decision')).not.toMatch(/subscriber/);
    expect(await mentions(iso.prefix, accountKey)).toEqual([]);
  }, 60_000);

  it.each([
    ['no address', {}],
    ['not an address', { email: 'not-an-address' }],
    ['an unknown field', { email: 'a@example.com', extra: 1 }],
    ['an oversized address', { email: `${'a'.repeat(400)}@example.com` }],
  ])('refuses %s with a 400 envelope', async (_, body) => {
    const response = await callWorker(erase('accounts', body));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('answers 401 without the site API key', async () => {
    const response = await callWorker(erase('accounts', { email: 'a@example.com' }, null));
    expect(response.status).toBe(401);
  });
});
