import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/encoding';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { checkoutForm, checkoutJson, freshIp } from '../support/checkout';
import { cookieFrom, setCookies } from '../support/cookie-jar';
import { testStore } from '../support/entitlements';
import { control, stripeClient } from '../support/stripe';
import { type AccessBody, accessRequest, BASE, callWorker, withBindings } from '../support/worker';

// Issue #10 item 2: the Checkout success URL is no key. Only the browser that started
// checkout (its signed __Host-paywall_rid) gets the entitlement cookie, and only once per
// session; anyone else holding the URL gets a page saying where access went, never access,
// never a 5xx. Stripe's truth is still written into the record whoever opens the link.

type Paid = { redirectUrl: string; events: { id: string; type: string }[] };
type Fetcher = (request: Request) => Promise<Response>;
const RID = '__Host-paywall_rid';
const ENT = '__Host-paywall_ent';

/** A browser posts the prompt's form (getting its reader cookie), then pays on Checkout. */
async function paidFromPrompt(fields: Record<string, string> = { plan: 'monthly' }) {
  const posted = await callWorker(
    checkoutForm({ returnTo: '/2026/11/paid-story', ...fields }, { ip: freshIp() }),
  );
  expect(posted.status).toBe(303);
  const rid = cookieFrom(posted, RID);
  if (!rid) throw new Error('the form post set no reader cookie');
  const sessionId = new URL(posted.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
  const paid = await control<Paid>(`/_control/checkout/sessions/${sessionId}/pay`, {
    outcome: 'success',
  });
  return { rid, sessionId, url: paid.redirectUrl };
}

/** A reader token the worker issued to someone else (a genuine, signed cookie). */
async function anotherReader(): Promise<string> {
  const r = await callWorker(accessRequest({ article: { id: 'other-reader' }, consume: false }));
  return ((await r.json()) as AccessBody).reader.id;
}

/** `rid1.<id>` signed as the worker signs reader ids, under any secret. */
async function signReaderId(id: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`rid1.${id}`));
  return `${id}.${toBase64Url(new Uint8Array(sig))}`;
}

function visit(url: string, cookie?: string, fetcher: Fetcher = callWorker) {
  return fetcher(
    new Request(url, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } }),
  );
}

/** What every answer of the route must be: private, no referrer, no 5xx, no session id echoed. */
async function expectNoLeak(response: Response, sessionId: string, failClosed = false) {
  // The one 5xx allowed: the fail-closed "One moment, reload" page when Redis cannot answer.
  if (failClosed) expect(response.status).toBe(503);
  else expect(response.status).toBeLessThan(500);
  expect(response.headers.get('cache-control')).toBe('private, no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const body = await response.clone().text();
  expect(body).not.toContain(sessionId);
  // No e-mail address (the page's CSS has an `@media` rule, which is not one) and no Stripe id.
  expect(body).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]|cus_|sub_|pi_/i);
}

/** Refused: the friendly page, and no entitlement cookie (nor any other). */
async function expectRefused(response: Response, sessionId: string) {
  expect(setCookies(response)).toEqual([]);
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/text\/html/);
  expect(await response.clone().text()).toMatch(/Access went to the browser you paid with/);
  await expectNoLeak(response, sessionId);
}

describe('a browser that did not start checkout gets the friendly page, never access', () => {
  let payer: Awaited<ReturnType<typeof paidFromPrompt>>;
  let other: string;
  let payerId: string;
  beforeAll(async () => {
    payer = await paidFromPrompt();
    other = await anotherReader();
    payerId = payer.rid.split('.')[0] as string;
  });

  // Every way another browser might present itself; each is tried against the same paid
  // session, and none may use up the payer's redemption (checked last).
  const strangers: [string, () => Promise<string | undefined>][] = [
    ['no cookie header at all', async () => undefined],
    ['an empty cookie header', async () => ''],
    ['other cookies but no reader cookie', async () => 'theme=dark; session=abc'],
    ['another genuine reader cookie', async () => `${RID}=${other}`],
    [
      'a random, well-formed but unsigned id',
      async () => `${RID}=${'A'.repeat(22)}.${'B'.repeat(43)}`,
    ],
    ['the payer id with a flipped signature', async () => `${RID}=${flip(payer.rid)}`],
    [
      'the payer id with another reader signature',
      async () => `${RID}=${payerId}.${other.split('.')[1]}`,
    ],
    ['the payer id with no signature', async () => `${RID}=${payerId}`],
    ['the payer id and an empty signature', async () => `${RID}=${payerId}.`],
    [
      'the payer id signed under another secret',
      async () => `${RID}=${await signReaderId(payerId, 'another-deployment-secret')}`,
    ],
    ['the payer token with a trailing character', async () => `${RID}=${payer.rid}x`],
    ['the payer token missing its last character', async () => `${RID}=${payer.rid.slice(0, -1)}`],
    ['the payer token upper-cased', async () => `${RID}=${payer.rid.toUpperCase()}`],
    ['the payer token quoted', async () => `${RID}="${payer.rid}"`],
    [
      'the payer token percent-encoded',
      async () =>
        `${RID}=${[...payer.rid].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join('')}`,
    ],
    ['the payer token padded to 6 KB', async () => `${RID}=${payer.rid}${'A'.repeat(6000)}`],
    ['an oversized reader cookie', async () => `${RID}=${'x'.repeat(7000)}`],
    ['the payer token under the name without its prefix', async () => `paywall_rid=${payer.rid}`],
    ['the payer token under a lower-cased name', async () => `__host-paywall_rid=${payer.rid}`],
    ['the payer token inside another cookie value', async () => `x=${RID}=${payer.rid}`],
    ['two reader cookies, another first', async () => `${RID}=${other}; ${RID}=${payer.rid}`],
    ['two reader cookies, the payer first', async () => `${RID}=${payer.rid}; ${RID}=${other}`],
    ['the payer cookie twice', async () => `${RID}=${payer.rid}; ${RID}=${payer.rid}`],
    [
      'a second reader cookie on a joined header line',
      async () => `${RID}=${other}, ${RID}=${payer.rid}`,
    ],
  ];

  it.each(strangers)('%s: 403 page, no cookie', async (_, cookie) => {
    await expectRefused(await visit(payer.url, await cookie()), payer.sessionId);
  });

  it('the session names the paying browser’s raw reader id (never its signed token); what it created does not', async () => {
    const session = await stripeClient().checkout.sessions.retrieve(payer.sessionId);
    expect(session.metadata?.browserReaderId).toBe(payerId);
    expect(JSON.stringify(session.metadata)).not.toContain(payer.rid);
    const sub = await stripeClient().subscriptions.retrieve(session.subscription as string);
    expect(sub.metadata.browserReaderId).toBeUndefined();
  });

  it('Stripe’s truth was written anyway (as the webhook writes it), without any webhook', async () => {
    const session = await stripeClient().checkout.sessions.retrieve(payer.sessionId);
    const record = await testStore().findByStripeSubscription(session.subscription as string);
    expect(record?.status).toBe('active');
  });

  it('after all of them, the payer’s own browser still redeems the session once', async () => {
    const back = await visit(payer.url, `${RID}=${payer.rid}; theme=dark`);
    await expectNoLeak(back, payer.sessionId);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/2026/11/paid-story');
    expect(cookieFrom(back, ENT)).toBeTruthy();
  });

  it.each(strangers)('after the payer redeemed, %s: still 403, no cookie', async (_, cookie) => {
    await expectRefused(await visit(payer.url, await cookie()), payer.sessionId);
  });
});

function flip(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

describe('each session is redeemed once', () => {
  it.each([
    ['a monthly plan', { plan: 'monthly' }],
    ['a one-time contribution', { amount: '500', recurring: 'once' }],
  ])(
    '%s: the cookie is issued once; a reload with it goes back; without it, a page',
    async (_, fields) => {
      const payer = await paidFromPrompt(fields);
      const first = await visit(payer.url, `${RID}=${payer.rid}`);
      expect(first.status).toBe(303);
      const ent = cookieFrom(first, ENT);
      expect(ent).toBeTruthy();

      // Reload in the same browser, which now holds the cookie: back to the article, no new cookie.
      const reload = await visit(payer.url, `${RID}=${payer.rid}; ${ENT}=${ent}`);
      await expectNoLeak(reload, payer.sessionId);
      expect([reload.status, reload.headers.get('location')]).toEqual([303, '/2026/11/paid-story']);
      expect(setCookies(reload)).toEqual([]);

      // The same browser without it (cookies cleared, or the link saved for later): a page, no cookie.
      const later = await visit(payer.url, `${RID}=${payer.rid}`);
      await expectNoLeak(later, payer.sessionId);
      expect(later.status).toBe(200);
      expect(await later.text()).toMatch(/Already unlocked in this browser/);
      expect(setCookies(later)).toEqual([]);
    },
  );

  it('ten simultaneous visits by the paying browser: exactly one entitlement cookie', async () => {
    const payer = await paidFromPrompt();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => visit(payer.url, `${RID}=${payer.rid}`)),
    );
    expect(answers.every((a) => a.status === 303 || a.status === 200)).toBe(true);
    expect(answers.filter((a) => cookieFrom(a, ENT) !== null)).toHaveLength(1);
  });

  it('a session already redeemed for another reader id (as recorded in Redis) is refused', async () => {
    const payer = await paidFromPrompt();
    await redis().set(
      createKeys(env.REDIS_KEY_PREFIX).checkoutRedeemed(payer.sessionId),
      'X'.repeat(22),
    );
    await expectRefused(await visit(payer.url, `${RID}=${payer.rid}`), payer.sessionId);
  });

  it('the redemption is remembered under checkout-redeemed:{sessionId}, with a TTL', async () => {
    const payer = await paidFromPrompt();
    await visit(payer.url, `${RID}=${payer.rid}`);
    const key = createKeys(env.REDIS_KEY_PREFIX).checkoutRedeemed(payer.sessionId);
    expect(await redis().get(key)).toBe(payer.rid.split('.')[0]);
    const ttl = await redis().pttl(key);
    expect(ttl).toBeGreaterThan(86_400_000);
    expect(ttl).toBeLessThanOrEqual(365 * 86_400_000);
  });
});

function redis() {
  return createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 5_000,
  });
}

describe('session id spellings: never a 5xx, never a cookie', () => {
  let payer: Awaited<ReturnType<typeof paidFromPrompt>>;
  beforeAll(async () => {
    payer = await paidFromPrompt();
  });
  const complete = `${BASE}/_paywall/checkout/complete`;
  const spellings: [string, (id: string) => string][] = [
    ['the prefix upper-cased', (id) => `?session_id=CS${id.slice(2)}`],
    ['the prefix capitalised', (id) => `?session_id=Cs${id.slice(2)}`],
    ['the whole id upper-cased', (id) => `?session_id=${id.toUpperCase()}`],
    ['a trailing character', (id) => `?session_id=${id}x`],
    ['a trailing encoded space', (id) => `?session_id=${id}%20`],
    ['a trailing encoded NUL', (id) => `?session_id=${id}%00`],
    ['a trailing encoded newline', (id) => `?session_id=${id}%0A`],
    ['a trailing slash', (id) => `?session_id=${id}/`],
    ['a leading space', (id) => `?session_id=%20${id}`],
    ['the last character dropped', (id) => `?session_id=${id.slice(0, -1)}`],
    ['double percent-encoding', (id) => `?session_id=${id.replace('_', '%255F')}`],
    ['a path-traversal tail', (id) => `?session_id=${id}/../../v1/portal`],
    ['a very long id', (id) => `?session_id=${id}${'a'.repeat(300)}`],
    ['a 10 KB id', () => `?session_id=cs_${'a'.repeat(10_000)}`],
    ['an empty id', () => '?session_id='],
    ['no id', () => ''],
    ['an array of ids', (id) => `?session_id[]=${id}`],
    ['the id twice', (id) => `?session_id=${id}&session_id=${id}`],
    ['a bogus id, then the real one', (id) => `?session_id=nope&session_id=${id}`],
    ['the placeholder Stripe fills in', () => '?session_id={CHECKOUT_SESSION_ID}'],
    ['another object id', () => '?session_id=sub_123'],
  ];

  it.each(spellings)('%s, from another browser', async (_, spell) => {
    const response = await visit(
      `${complete}${spell(payer.sessionId)}`,
      `${RID}=${await anotherReader()}`,
    );
    expect(cookieFrom(response, ENT)).toBeNull();
    expect([400, 403]).toContain(response.status);
    await expectNoLeak(response, payer.sessionId);
  });

  it('the id percent-encoded is the same session: refused for another browser, redeemed by the payer', async () => {
    const encoded = [...payer.sessionId].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join('');
    await expectRefused(
      await visit(`${complete}?session_id=${encoded}`, `${RID}=${await anotherReader()}`),
      payer.sessionId,
    );
    const back = await visit(`${complete}?session_id=${encoded}`, `${RID}=${payer.rid}`);
    expect(back.status).toBe(303);
    expect(cookieFrom(back, ENT)).toBeTruthy();
  });

  it('a paid session that is not ours (no paywall metadata, or another deployment) is a 400 even when it names this browser', async () => {
    const reader = await anotherReader();
    const id = reader.split('.')[0] as string;
    const metadatas: Record<string, string>[] = [
      { browserReaderId: id },
      { paywall: '1', paywall_deployment: 'site-b', browserReaderId: id, returnTo: '/x' },
    ];
    for (const metadata of metadatas) {
      const session = await stripeClient().checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: 'price_local_monthly', quantity: 1 }],
        success_url: `${complete}?session_id={CHECKOUT_SESSION_ID}`,
        metadata,
      });
      const paid = await control<Paid>(`/_control/checkout/sessions/${session.id}/pay`, {
        outcome: 'success',
      });
      const response = await visit(paid.redirectUrl, `${RID}=${reader}`);
      await expectNoLeak(response, session.id);
      expect(response.status).toBe(400);
      expect(setCookies(response)).toEqual([]);
    }
  });
});

describe('JSON checkout binds to the reader id the site passes (the browser’s cookie)', () => {
  async function jsonPaid(body: Record<string, unknown>) {
    const response = await callWorker(
      checkoutJson({ plan: 'monthly', returnTo: '/json-story', ...body }, { ip: freshIp() }),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const sessionId = new URL(url).pathname.split('/').pop() ?? '';
    return control<Paid>(`/_control/checkout/sessions/${sessionId}/pay`, { outcome: 'success' });
  }

  it('a signed-in reader: the browser whose cookie the site passed redeems; their other device does not', async () => {
    const [browser, otherDevice] = [await anotherReader(), await anotherReader()];
    const paid = await jsonPaid({ readerId: browser, userId: `user-${crypto.randomUUID()}` });
    const sessionId = new URL(paid.redirectUrl).searchParams.get('session_id') ?? '';
    await expectRefused(await visit(paid.redirectUrl, `${RID}=${otherDevice}`), sessionId);
    const back = await visit(paid.redirectUrl, `${RID}=${browser}`);
    expect(back.status).toBe(303);
    expect(cookieFrom(back, ENT)).toBeTruthy();
  });

  it('without a readerId, the session is bound to a fresh id no browser holds: nobody redeems it', async () => {
    const paid = await jsonPaid({});
    const sessionId = new URL(paid.redirectUrl).searchParams.get('session_id') ?? '';
    for (const cookie of [undefined, `${RID}=${await anotherReader()}`]) {
      await expectRefused(await visit(paid.redirectUrl, cookie), sessionId);
    }
  });
});

describe('Redis failing at redemption fails closed', () => {
  it('the redemption key unusable (WRONGTYPE): a 503 reload page, no cookie; a reload once it works redeems', async () => {
    const payer = await paidFromPrompt();
    const key = createKeys(env.REDIS_KEY_PREFIX).checkoutRedeemed(payer.sessionId);
    await redis().hset(key, { broken: '1' });
    const failed = await visit(payer.url, `${RID}=${payer.rid}`);
    await expectNoLeak(failed, payer.sessionId, true);
    expect(failed.status).toBe(503);
    expect(await failed.text()).toMatch(/reload/i);
    expect(setCookies(failed)).toEqual([]);

    await redis().del(key);
    const reload = await visit(payer.url, `${RID}=${payer.rid}`);
    expect(reload.status).toBe(303);
    expect(cookieFrom(reload, ENT)).toBeTruthy();
  });

  it.each([
    ['refused', () => env.TEST_CLOSED_URL],
    ['hanging', () => env.TEST_HANGING_URL],
  ])('Redis %s: a 503 reload page for the payer, no cookie', async (_, url) => {
    const payer = await paidFromPrompt();
    const down = withBindings({ UPSTASH_REDIS_REST_URL: url(), REDIS_TIMEOUT_MS: '300' });
    const response = await visit(payer.url, `${RID}=${payer.rid}`, down);
    await expectNoLeak(response, payer.sessionId, true);
    expect(setCookies(response)).toEqual([]);
  });
});
