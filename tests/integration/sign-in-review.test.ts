import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64Url } from '../../src/encoding';
import { createSubscriberStore } from '../../src/entitlements/store';
import { addressKey } from '../../src/identity/address';
import { createOutboxMailer } from '../../src/mail/outbox';
import { originRequest } from '../../src/proxy/origin';
import { createReaderIdSigner } from '../../src/reader/reader-id';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { CookieJar } from '../support/cookie-jar';
import { type IsolatedWorker, isolatedWorker } from '../support/isolated-stripe';
import { type AccessBody, API_KEY, accessRequest, BASE } from '../support/worker';

// Issue #11 under review: the sign-in with an e-mailed code, attacked as a reader who wants to
// read for free, a bot with no cookies, a stranger holding someone else's address, URL or
// cookie, and a mail bomber. Tests under "FINDING" fail on the code as reviewed and pin the
// fix; the rest pin attacks that are defended but were not yet covered.

type Fetcher = (request: Request) => Promise<Response>;
const ACCT = '__Host-paywall_acct';
const ENT = '__Host-paywall_ent';
const SIGNIN = '__Host-paywall_signin';
const RID = '__Host-paywall_rid';
const LONG = 120_000;

const redis = () =>
  createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 5_000,
  });

let ipSeed = Math.floor(Math.random() * 60_000);
/** A client address in its own /48, so no per-network window meets another test's. */
const freshIp = () => {
  ipSeed = (ipSeed + 1) % 65_000;
  return `2001:db8:${(ipSeed + 1).toString(16)}:1::1`;
};

const unique = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** One browser: its own cookies and its own client address. */
class Browser {
  jar = new CookieJar();
  constructor(
    readonly fetcher: Fetcher,
    readonly ip = freshIp(),
  ) {}
  async get(path: string): Promise<Response> {
    const r = await this.fetcher(
      new Request(`${BASE}${path}`, { headers: this.headers(), redirect: 'manual' }),
    );
    this.jar.take(r);
    return r;
  }
  async post(path: string, fields: Record<string, string>, origin = BASE): Promise<Response> {
    const headers = this.headers();
    headers.set('content-type', 'application/x-www-form-urlencoded');
    headers.set('origin', origin);
    const r = await this.fetcher(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers,
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      }),
    );
    this.jar.take(r);
    return r;
  }
  /** This browser with only the named cookies kept (a browser that cleared the rest). */
  keeping(...names: string[]): Browser {
    const copy = new Browser(this.fetcher, this.ip);
    for (const name of names) {
      const value = this.jar.get(name);
      if (value) copy.jar.set(name, value);
    }
    return copy;
  }
  private headers(): Headers {
    const headers = new Headers({ accept: 'text/html', 'cf-connecting-ip': this.ip });
    if (this.jar.header()) headers.set('cookie', this.jar.header());
    return headers;
  }
}

async function outbox(iso: IsolatedWorker) {
  return createOutboxMailer({
    redis: redis(),
    keys: createKeys(iso.prefix),
    timeoutMs: 5_000,
  }).list();
}

async function mailsTo(iso: IsolatedWorker, address: string) {
  return (await outbox(iso)).filter((m) => m.to === address.trim().toLowerCase());
}

async function latestCode(iso: IsolatedWorker, address: string): Promise<string> {
  const [newest] = await mailsTo(iso, address);
  const code = /\b(\d{6})\b/.exec(newest?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the outbox for this address');
  return code;
}

/** Another six-digit code than `code`. */
const wrongCode = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');

async function signIn(iso: IsolatedWorker, b: Browser, email: string, returnTo = '/') {
  const sent = await b.post('/_paywall/v1/sign-in', { email, returnTo });
  expect(sent.status).toBe(303);
  return b.post('/_paywall/v1/sign-in/verify', { code: await latestCode(iso, email), returnTo });
}

/** Pays for the monthly plan from `b`'s prompt, typing `email` at Stripe Checkout. */
async function pay(iso: IsolatedWorker, b: Browser, email: string) {
  const posted = await b.post('/_paywall/v1/checkout', { plan: 'monthly', returnTo: '/' });
  expect(posted.status).toBe(303);
  const sessionId = new URL(posted.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
  const paid = await iso.control<{ redirectUrl: string }>(
    `/_control/checkout/sessions/${sessionId}/pay`,
    { outcome: 'success', email },
  );
  const url = new URL(paid.redirectUrl);
  const back = await b.get(`${url.pathname}${url.search}`);
  expect(back.status).toBe(303);
  const token = b.jar.get(ENT);
  if (!token) throw new Error('no entitlement after paying');
  return subjectOf(token);
}

/** The subscriber id an entitlement token names (its `sub`). */
function subjectOf(token: string): string {
  const bytes = fromBase64Url(token.split('.')[1] ?? '');
  if (!bytes) throw new Error('not a token');
  return (JSON.parse(new TextDecoder().decode(bytes)) as { sub: string }).sub;
}

// The account cookie seals `addressKey~issuedAt~sessionId`: the address key is its first part.
const keyOf = (accountCookie: string | undefined) =>
  (accountCookie ?? '').split('.')[0]?.split('~')[0] ?? '';

function store(iso: IsolatedWorker) {
  return createSubscriberStore({ redis: redis(), keys: createKeys(iso.prefix), timeoutMs: 5_000 });
}

const isWalled = (html: string) => html.includes('data-pw-variant="wall"');

// ─────────────────────────────────────────────────────────────────────────────────────────────
// FINDINGS: these fail on the reviewed code.
// ─────────────────────────────────────────────────────────────────────────────────────────────

describe('FINDING 1: the account and pending sign-in cookies reach the origin server', () => {
  // The proxy strips only __Host-paywall_rid and __Host-paywall_ent (src/proxy/origin.ts
  // OUR_COOKIES). The account cookie is a bearer credential for the supporter's entitlement
  // (and through it the Stripe portal), and both cookies carry the address key in clear.
  it.each([
    ['pass-through', 'pass-through'],
    ['article allowlist', 'allowlist'],
  ] as const)('%s: only the site’s own cookies travel upstream', (_, policy) => {
    const upstream = originRequest(
      new Request('https://site.test/2026/11/x', {
        headers: {
          cookie: `__Host-paywall_acct=${'A'.repeat(22)}.${'b'.repeat(43)}; session=keep; __Host-paywall_signin=${'A'.repeat(22)}~nonce.${'c'.repeat(43)}; __Host-paywall_rid=r`,
        },
      }),
      env.TEST_ORIGIN_URL,
      policy,
    );
    expect(upstream.headers.get('cookie')).toBe('session=keep');
  });
});

describe('FINDING 2: the account cookie is a permanent password, not a session', () => {
  it(
    'two sign-ins of one address are two sessions: they do not get the same account cookie',
    async () => {
      const iso = await isolatedWorker({ accounts: { registration: { enabled: true } } });
      const email = unique('twice');
      const laptop = new Browser(iso.fetcher);
      const phone = new Browser(iso.fetcher);
      expect((await signIn(iso, laptop, email)).status).toBe(303);
      expect((await signIn(iso, phone, email)).status).toBe(303);
      expect(laptop.jar.get(ACCT)).toBeTruthy();
      // Today both are `<addressKey>.<HMAC("seal1|acct1|<addressKey>")>`: the same bytes on every
      // device, for ever, with no issue time, so sessionDays is only the browser's Max-Age.
      expect(phone.jar.get(ACCT)).not.toBe(laptop.jar.get(ACCT));
    },
    LONG,
  );

  it(
    'an account cookie replayed after its device signed out no longer opens the supporter’s articles',
    async () => {
      const iso = await isolatedWorker({ meter: { limit: 1 } });
      const email = unique('replayed');
      await pay(iso, new Browser(iso.fetcher), email);
      const shared = new Browser(iso.fetcher);
      await shared.get(ARTICLES[0]?.path ?? '');
      expect((await signIn(iso, shared, email, ARTICLES[1]?.path)).status).toBe(303);
      const copied = shared.jar.get(ACCT) ?? '';
      expect((await shared.post('/_paywall/v1/sign-out', { returnTo: '/' })).status).toBe(303);
      expect(shared.jar.get(ACCT)).toBeUndefined();

      // Someone who copied the cookie (a shared computer, the origin's logs: finding 1) replays it.
      const thief = new Browser(iso.fetcher);
      thief.jar.set(ACCT, copied);
      // The access API says so too: metered as the browser, and the cookie is to go.
      const api = await iso.fetcher(
        accessRequest({
          article: { id: 'replayed/peek' },
          reader: { account: copied },
          consume: false,
        }),
      );
      expect(((await api.json()) as AccessBody).reader).toMatchObject({ clearAccount: true });
      // Its ended session counts nothing under the account, and the proxy deletes the cookie.
      await thief.get(ARTICLES[0]?.path ?? '');
      expect(thief.jar.get(ACCT)).toBeUndefined();
      thief.jar.set(ACCT, copied);
      const walled = await thief.get(ARTICLES[1]?.path ?? '');
      expect(walled.headers.get('paywall-decision')).toBe('denied; reason=meter_exhausted');
      expect(thief.jar.get(ENT)).toBeUndefined();
    },
    LONG,
  );
});

describe('FINDING 3: an address nobody proved replaces the support an account already has', () => {
  // store.linkAccount is a blind SET. It runs (a) when any Checkout session is synced, for the
  // address the payer TYPED at Stripe (unverified), and (b) at POST /v1/sign-in, before any
  // code is proven, for whatever Stripe customers carry the typed address.
  it(
    'a stranger paying with the victim’s address at Checkout does not re-link the victim’s account',
    async () => {
      const iso = await isolatedWorker({
        meter: { limit: 1 },
        accounts: { registration: { enabled: true } },
      });
      const victimAddress = unique('victim');
      const victim = new Browser(iso.fetcher);
      expect((await signIn(iso, victim, victimAddress)).status).toBe(303);
      const key = keyOf(victim.jar.get(ACCT));
      // The victim pays while signed in, giving Stripe a work address: the account is linked by
      // the session's metadata (proven by the account cookie).
      const victimSub = await pay(iso, victim, unique('work'));
      expect((await store(iso).findByAccount(key))?.subscriberId).toBe(victimSub);

      // A stranger buys anything that grants access, typing the victim's address at Checkout.
      const strangerSub = await pay(iso, new Browser(iso.fetcher), victimAddress);
      expect(strangerSub).not.toBe(victimSub);

      // The victim's account must still be theirs: today it now points at the stranger's record,
      // so every other device of the victim loses access when the stranger cancels or refunds.
      expect((await store(iso).findByAccount(key))?.subscriberId).toBe(victimSub);
    },
    LONG,
  );

  it(
    'a stranger asking for a code for the victim’s address (no code proven) does not re-link the victim’s account',
    async () => {
      const iso = await isolatedWorker({
        meter: { limit: 1 },
        accounts: { registration: { enabled: true } },
      });
      const victimAddress = unique('victim');
      // Earlier, a stranger typed the victim's address at Checkout (a typo, or on purpose).
      await pay(iso, new Browser(iso.fetcher), victimAddress);
      const victim = new Browser(iso.fetcher);
      expect((await signIn(iso, victim, victimAddress)).status).toBe(303);
      const key = keyOf(victim.jar.get(ACCT));
      // The victim then pays while signed in (metadata link, proven).
      const victimSub = await pay(iso, victim.keeping(RID, ACCT), unique('work'));
      expect((await store(iso).findByAccount(key))?.subscriberId).toBe(victimSub);

      // Anyone, without a code, asks for a code for the victim's address.
      const stranger = new Browser(iso.fetcher);
      expect(
        (await stranger.post('/_paywall/v1/sign-in', { email: victimAddress, returnTo: '/' }))
          .status,
      ).toBe(303);
      expect((await store(iso).findByAccount(key))?.subscriberId).toBe(victimSub);

      // And the victim's next device gets the victim's own support.
      const phone = new Browser(iso.fetcher);
      expect((await signIn(iso, phone, victimAddress)).status).toBe(303);
      expect(subjectOf(phone.jar.get(ENT) ?? '')).toBe(victimSub);
    },
    LONG,
  );
});

describe('FINDING 4: guesses at one address are bounded per window only, never per day', () => {
  // 5 codes per 15-minute sliding window x 5 attempts = 25 guesses per window, for ever:
  // 2,400 guesses a day (0.24 % a day, about 58 % a year, to take over one chosen supporter),
  // and 480 e-mails a day to the victim. The windows' keys are removed below exactly as 15
  // minutes passing would empty them; any longer budget (a day) must live elsewhere.
  it('three windows of a stranger’s codes and wrong guesses: at most 10 codes mailed and 50 guesses checked', async () => {
    const iso = await isolatedWorker();
    const victim = unique('target');
    let mailed = 0;
    let checked = 0;
    for (let window = 0; window < 3; window += 1) {
      for (let i = 0; i < 5; i += 1) {
        const attacker = new Browser(iso.fetcher); // a fresh browser and network every time
        const sent = await attacker.post('/_paywall/v1/sign-in', { email: victim, returnTo: '/' });
        if (sent.status !== 303) continue;
        mailed += 1;
        const code = await latestCode(iso, victim);
        for (let k = 1; k <= 5; k += 1) {
          const r = await attacker.post('/_paywall/v1/sign-in/verify', {
            code: wrongCode(code, k),
            returnTo: '/',
          });
          if (r.status === 400 || (r.status === 429 && k === 5)) checked += 1;
        }
      }
      const windows = await redis().keys(`${iso.prefix}rl:signin-address:*`);
      if (windows.length > 0) await redis().del(...windows);
    }
    expect(await mailsTo(iso, victim)).toHaveLength(mailed);
    expect({ mailed, checked }).toEqual({
      mailed: Math.min(mailed, 10),
      checked: Math.min(checked, 50),
    });
  }, 240_000);
});

describe('FINDING 5: sign-in has no per-network (/48) limit, unlike checkout', () => {
  // A /48 (one home, one cloud tenant, one free tunnel) is 65,536 /64s, each with its own
  // 20 codes and 60 checks a window: enough to spend the site-wide ceiling (1,000 codes a
  // window, so sign-in is down for every reader) and to run the brute force of finding 4 at
  // the ceiling (5,000 guesses a window, about one account every two days).
  it(
    '41 codes from 41 /64s of one /48: the network is refused before the last',
    async () => {
      const iso = await isolatedWorker();
      const network = `2001:db8:${(Math.floor(Math.random() * 60_000) + 1).toString(16)}`;
      const statuses: number[] = [];
      for (let i = 1; i <= 41; i += 1) {
        const b = new Browser(iso.fetcher, `${network}:${i.toString(16)}::1`);
        statuses.push(
          (await b.post('/_paywall/v1/sign-in', { email: unique('net'), returnTo: '/' })).status,
        );
      }
      expect(statuses).toContain(429);
    },
    LONG,
  );
});

describe('FINDING 6: the sign-in routes’ error pages can be framed (docs: "every page cannot be framed")', () => {
  const cases: [string, RequestInit][] = [
    [
      'a form from another origin (403)',
      {
        headers: {
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'email=a%40example.com&returnTo=%2F',
      },
    ],
    [
      'the same field twice (400)',
      {
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com&email=b%40example.com&returnTo=%2F',
      },
    ],
    [
      'an unsafe returnTo (400)',
      {
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com&returnTo=%2F%2Fevil.example',
      },
    ],
  ];
  it.each(cases)('%s', async (_, init) => {
    const iso = await isolatedWorker();
    const headers = new Headers(init.headers);
    headers.set('accept', 'text/html');
    headers.set('cf-connecting-ip', freshIp());
    const r = await iso.fetcher(
      new Request(`${BASE}/_paywall/v1/sign-in`, {
        ...init,
        method: 'POST',
        headers,
        redirect: 'manual',
      }),
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('content-security-policy') ?? '').toContain("frame-ancestors 'none'");
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('FINDING 7: a payer’s mistyped Checkout address hands their Stripe portal to that mailbox', () => {
  // Checkout does not verify the address. Whoever owns the mistyped mailbox signs in, gets an
  // entitlement for the payer's subscription, and "Manage my support" opens the PAYER's
  // customer portal: their name, billing address, card, invoices, and a Cancel button.
  it(
    'an entitlement found through an unproven Checkout address does not open the payer’s portal',
    async () => {
      const iso = await isolatedWorker({ meter: { limit: 1 } });
      const mailboxOwner = unique('owner');
      await pay(iso, new Browser(iso.fetcher), mailboxOwner); // the payer's typo
      const owner = new Browser(iso.fetcher);
      expect((await signIn(iso, owner, mailboxOwner)).status).toBe(303);
      expect(owner.jar.get(ENT)).toBeTruthy(); // reading is the documented design; the portal is not
      const portal = await owner.post('/_paywall/v1/portal', { returnTo: '/' });
      const location = portal.headers.get('location') ?? '';
      expect(location.startsWith(env.STRIPE_API_BASE)).toBe(false);
    },
    LONG,
  );
});

describe('FINDING 8: a stale pending sign-in tells a stranger when the address’s owner signed in', () => {
  // Checking with a replaced code costs no attempt and answers "a newer code was asked for";
  // once the owner has used the newer code, the same stale cookie answers "expired or already
  // used". Replaying one saved cookie (cleared, but kept by the attacker) is a free oracle.
  it(
    'the answers before and after the owner signs in are the same',
    async () => {
      const iso = await isolatedWorker({ accounts: { registration: { enabled: true } } });
      const victim = unique('watched');
      const stranger = new Browser(iso.fetcher);
      await stranger.post('/_paywall/v1/sign-in', { email: victim, returnTo: '/' });
      const stale = stranger.jar.get(SIGNIN) ?? '';
      const owner = new Browser(iso.fetcher);
      await owner.post('/_paywall/v1/sign-in', { email: victim, returnTo: '/' });
      const probe = async () => {
        const b = new Browser(iso.fetcher, stranger.ip);
        b.jar.set(SIGNIN, stale);
        const r = await b.post('/_paywall/v1/sign-in/verify', { code: '000000', returnTo: '/' });
        return { status: r.status, page: await r.text() };
      };
      const whileSigningIn = await probe();
      expect(
        (
          await owner.post('/_paywall/v1/sign-in/verify', {
            code: await latestCode(iso, victim),
            returnTo: '/',
          })
        ).status,
      ).toBe(303);
      const afterSignedIn = await probe();
      expect(afterSignedIn).toEqual(whileSigningIn);
    },
    LONG,
  );
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Defended: attacks that fail today, pinned so they keep failing.
// ─────────────────────────────────────────────────────────────────────────────────────────────

const HOSTILE_RETURN_TO: [string, string][] = [
  ['dot segment then //', '/.//evil.example/phish'],
  ['dot-dot then //', '/a/..//evil.example'],
  ['encoded dot then //', '/%2e//evil.example'],
  ['encoded slashes', '/%2F%2Fevil.example'],
  ['encoded backslash', '/%5Cevil.example'],
  ['double-encoded slashes', '/%252F%252Fevil.example'],
  ['backslash', '/\\evil.example'],
  ['tab', '/\t/evil.example'],
  ['newline', '/\n/evil.example'],
  ['protocol-relative', '//evil.example'],
  ['absolute, our host as userinfo', 'https://paywall.test@evil.example/'],
  ['javascript:', 'javascript:alert(1)'],
  ['our own route', '/_paywall/v1/sign-out'],
  ['our own route, %5F', '/%5Fpaywall/v1/sign-in'],
  ['very long', `/${'a'.repeat(600)}`],
];

describe('returnTo on every sign-in route: a hostile one never becomes a Location or a link', () => {
  it.each(HOSTILE_RETURN_TO)(
    'forms (send, verify, sign-out) refuse %s with no Location and no mail',
    async (_, returnTo) => {
      const iso = await isolatedWorker({ accounts: { registration: { enabled: true } } });
      const b = new Browser(iso.fetcher);
      // A live pending sign-in, so verify reaches its returnTo check for a real reason.
      expect(
        (await b.post('/_paywall/v1/sign-in', { email: unique('rt'), returnTo: '/' })).status,
      ).toBe(303);
      const before = (await outbox(iso)).length;
      for (const [path, fields] of [
        ['/_paywall/v1/sign-in', { email: unique('rt') }],
        ['/_paywall/v1/sign-in/verify', { code: '123456' }],
        ['/_paywall/v1/sign-out', {}],
      ] as const) {
        const r = await b.post(path, { ...fields, returnTo });
        expect(r.status, path).toBe(400);
        expect(r.headers.get('location'), path).toBeNull();
        expect(await r.text(), path).not.toMatch(/href="[^"]*evil\.example/);
      }
      expect(await outbox(iso)).toHaveLength(before);
    },
    LONG,
  );

  it.each(HOSTILE_RETURN_TO)(
    'pages (address, code) fall back to "/" for %s',
    async (_, returnTo) => {
      const iso = await isolatedWorker();
      for (const path of ['/_paywall/sign-in', '/_paywall/sign-in/code']) {
        const r = await new Browser(iso.fetcher).get(
          `${path}?${new URLSearchParams({ intent: 'access', returnTo })}`,
        );
        if (r.status === 400) continue; // longer than the query allows: refused outright
        expect(r.status).toBe(200);
        const html = await r.text();
        expect(html).not.toContain('evil.example');
        expect(html).toContain('name="returnTo" value="/"');
      }
    },
  );
});

describe('sealed values of one kind are never accepted as another', () => {
  it(
    'a reader id, a pending sign-in cookie or a subscriber token is not an account; an account cookie is not a reader id or a pending sign-in',
    async () => {
      const iso = await isolatedWorker({
        meter: { limit: 1 },
        accounts: { registration: { enabled: true } },
      });
      const owner = new Browser(iso.fetcher);
      const email = unique('domains');
      await owner.get(ARTICLES[0]?.path ?? '');
      expect((await owner.post('/_paywall/v1/sign-in', { email, returnTo: '/' })).status).toBe(303);
      const pending = owner.jar.get(SIGNIN) ?? '';
      const readerId = owner.jar.get(RID) ?? '';
      expect(pending).toBeTruthy();
      expect(readerId).toBeTruthy();
      expect(
        (
          await owner.post('/_paywall/v1/sign-in/verify', {
            code: await latestCode(iso, email),
            returnTo: '/',
          })
        ).status,
      ).toBe(303);
      const account = owner.jar.get(ACCT) ?? '';
      const key = keyOf(account);
      // The same secret signs all of these; only the domain keeps them apart.
      const signer = createReaderIdSigner(env.READER_ID_SECRET);
      const crafted = [
        readerId,
        pending,
        `${key}.${(await signer.seal('signin1', key)).split('.')[1]}`,
        await signer.seal('acct2', key),
        `${key}.${readerId.split('.')[1] ?? ''}`,
      ];
      for (const value of crafted) {
        const b = new Browser(iso.fetcher);
        b.jar.set(ACCT, value);
        const page = await (await b.get('/_paywall/sign-in')).text();
        expect(page).not.toContain('You are signed in');
        const api = await iso.fetcher(
          new Request(`${BASE}/_paywall/v1/access`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
            body: JSON.stringify({
              article: { id: `dom/${crypto.randomUUID()}` },
              reader: { account: value },
            }),
          }),
        );
        expect(((await api.json()) as { meter: { limit: number } }).meter.limit).toBe(1);
      }
      // The account cookie as a reader id: a fresh id is issued, never the address key as an id.
      const asReader = new Browser(iso.fetcher);
      asReader.jar.set(RID, account);
      await asReader.get(ARTICLES[1]?.path ?? '');
      expect(asReader.jar.get(RID)).not.toBe(account);
      expect(asReader.jar.get(RID)?.split('.')[0]).not.toBe(key);
      // The account cookie as a pending sign-in: no code waiting.
      const asPending = new Browser(iso.fetcher);
      asPending.jar.set(SIGNIN, account);
      const r = await asPending.post('/_paywall/v1/sign-in/verify', {
        code: '123456',
        returnTo: '/',
      });
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('no code waiting');
      // The forgeries above used the real address key: only the signature domain refused them.
      expect(await addressKey(signer, email)).toBe(key);
    },
    LONG,
  );
});

describe('no 5xx and no address in the logs, whatever the client sends', () => {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  afterEach(() => {
    for (const s of spies.splice(0)) s.mockRestore();
  });

  const form = {
    'content-type': 'application/x-www-form-urlencoded',
    origin: BASE,
    accept: 'text/html',
  };
  const bigStream = () =>
    new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(`email=${'a'.repeat(6000)}%40example.com`));
        c.close();
      },
    });
  const multipart = (value: string | File) => {
    const fd = new FormData();
    fd.set('email', value);
    fd.set('returnTo', '/');
    return fd;
  };
  const cases: [string, string, () => RequestInit][] = [
    [
      'multipart, a file as the address',
      '/_paywall/v1/sign-in',
      () => ({
        headers: { origin: BASE, accept: 'text/html' },
        body: multipart(new File(['x'], 'leak-me@example.com')),
      }),
    ],
    [
      'multipart without a boundary',
      '/_paywall/v1/sign-in',
      () => ({
        headers: { ...form, 'content-type': 'multipart/form-data' },
        body: 'email=leak-me%40example.com',
      }),
    ],
    [
      'multipart, truncated',
      '/_paywall/v1/sign-in',
      () => ({
        headers: { ...form, 'content-type': 'multipart/form-data; boundary=XX' },
        body: '--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\nleak-me@example.com\r\n--YY',
      }),
    ],
    [
      'a body over 4 KB',
      '/_paywall/v1/sign-in',
      () => ({ headers: form, body: `email=${'a'.repeat(5000)}` }),
    ],
    [
      'a streamed body over 4 KB, no length',
      '/_paywall/v1/sign-in',
      () => ({ headers: form, body: bigStream(), duplex: 'half' }) as RequestInit,
    ],
    [
      'a charset the form parser does not know',
      '/_paywall/v1/sign-in',
      () => ({
        headers: { ...form, 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' },
        body: 'email=leak-me%40example.com',
      }),
    ],
    [
      'broken escapes',
      '/_paywall/v1/sign-in',
      () => ({ headers: form, body: 'email=leak-me%E0%A4%A%40example.com&returnTo=%' }),
    ],
    [
      'raw bytes that are not UTF-8',
      '/_paywall/v1/sign-in',
      () => ({
        headers: form,
        body: new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xff, 0xfe, 0x40, 0x78]),
      }),
    ],
    [
      'a lone surrogate',
      '/_paywall/v1/sign-in',
      () => ({ headers: form, body: 'email=leak-me%ED%A0%80%40example.com' }),
    ],
    [
      'dotted capital I (lower-cases to two characters)',
      '/_paywall/v1/sign-in',
      () => ({
        headers: form,
        body: new URLSearchParams({ email: 'leak-me\u0130@example.com' }).toString(),
      }),
    ],
    [
      'a mangled pending cookie',
      '/_paywall/v1/sign-in/verify',
      () => ({
        headers: { ...form, cookie: `${SIGNIN}=%E0%A4%A; ${ACCT}=%` },
        body: 'code=123456',
      }),
    ],
    [
      'an 8 KB pending cookie',
      '/_paywall/v1/sign-in/verify',
      () => ({
        headers: { ...form, cookie: `${SIGNIN}=${'a'.repeat(8000)}` },
        body: 'code=123456',
      }),
    ],
    [
      'a code that NFKC blows up (64 x U+FDFA)',
      '/_paywall/v1/sign-in/verify',
      () => ({
        headers: form,
        body: new URLSearchParams({ code: '\uFDFA'.repeat(64) }).toString(),
      }),
    ],
    [
      'sign-out with no body and no type',
      '/_paywall/v1/sign-out',
      () => ({ headers: { origin: BASE, accept: 'text/html' } }),
    ],
  ];

  it.each(cases)('%s', async (_, path, init) => {
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          lines.push(args.map(String).join(' '));
        }),
      );
    }
    const iso = await isolatedWorker({}, { LOG_LEVEL: 'info' });
    const request = init();
    const headers = new Headers(request.headers);
    headers.set('cf-connecting-ip', freshIp());
    const r = await iso.fetcher(
      new Request(`${BASE}${path}`, { ...request, method: 'POST', headers, redirect: 'manual' }),
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(lines.join('\n').toLowerCase()).not.toContain('leak-me');
    expect(await outbox(iso)).toHaveLength(0);
  });

  it('the access API refuses an account value that is not a string or is too long, and ignores a crafted one', async () => {
    const iso = await isolatedWorker();
    const ask = (account: unknown) =>
      iso.fetcher(
        new Request(`${BASE}/_paywall/v1/access`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify({
            article: { id: `acct/${crypto.randomUUID()}` },
            reader: { account },
          }),
        }),
      );
    expect((await ask('a'.repeat(10_000))).status).toBe(400);
    expect((await ask(5)).status).toBe(400);
    for (const crafted of ['', `${'A'.repeat(22)}~x.${'B'.repeat(43)}`, '.', '~']) {
      const r = await ask(crafted);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { meter: { limit: number } }).meter.limit).toBe(3);
    }
  });
});

describe('address spellings: each one is one mailbox, and the code goes only to it', () => {
  it('the Kelvin sign folds to "k": the code is mailed to the folded address, and only there', async () => {
    const iso = await isolatedWorker();
    const local = `kate-${crypto.randomUUID().slice(0, 8)}`;
    const b = new Browser(iso.fetcher);
    const r = await b.post('/_paywall/v1/sign-in', {
      email: `\u212A${local.slice(1)}@example.com`,
      returnTo: '/',
    });
    expect(r.status).toBe(303);
    const mails = await outbox(iso);
    expect(mails.map((m) => m.to)).toEqual([`${local}@example.com`]);
  });
});

describe('cookies: attributes a browser enforces', () => {
  it(
    'pending: __Host-, Secure, HttpOnly, Strict, 10 minutes; account: Lax, sessionDays; sign-out clears all three in a way a browser honours',
    async () => {
      const iso = await isolatedWorker({
        accounts: { registration: { enabled: true }, sessionDays: 30 },
      });
      const b = new Browser(iso.fetcher);
      const email = unique('attrs');
      const sent = await b.post('/_paywall/v1/sign-in', { email, returnTo: '/' });
      const lines = (r: Response) =>
        (r.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
      const pending = lines(sent).find((l) => l.startsWith(`${SIGNIN}=`)) ?? '';
      for (const attr of ['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict', 'Max-Age=600']) {
        expect(pending).toContain(attr);
      }
      expect(pending).not.toMatch(/domain=/i);
      const verified = await b.post('/_paywall/v1/sign-in/verify', {
        code: await latestCode(iso, email),
        returnTo: '/',
      });
      const account = lines(verified).find((l) => l.startsWith(`${ACCT}=`)) ?? '';
      for (const attr of [
        'Path=/',
        'Secure',
        'HttpOnly',
        'SameSite=Lax',
        `Max-Age=${30 * 86_400}`,
      ]) {
        expect(account).toContain(attr);
      }
      expect(account).not.toMatch(/domain=/i);
      const out = await b.post('/_paywall/v1/sign-out', { returnTo: '/' });
      const cleared = lines(out);
      for (const name of [ACCT, ENT, SIGNIN]) {
        const line = cleared.find((l) => l.startsWith(`${name}=`)) ?? '';
        // A __Host- cookie is only replaced (here: expired) by one with Secure and Path=/.
        expect(line, name).toMatch(/Max-Age=0/);
        expect(line, name).toContain('Secure');
        expect(line, name).toContain('Path=/');
      }
      expect(cleared.some((l) => l.startsWith(`${RID}=`))).toBe(false);
    },
    LONG,
  );
});

describe('the meter across sign-in, sign-out and registering again', () => {
  it(
    'signing out and in again on the same browser neither adopts the browser again nor resets the account',
    async () => {
      const iso = await isolatedWorker({
        meter: { limit: 2 },
        accounts: { registration: { enabled: true, extraArticles: 2 } },
      });
      const paths = ARTICLES.map((a) => a.path);
      const b = new Browser(iso.fetcher);
      await b.get(paths[0] ?? '');
      await b.get(paths[1] ?? '');
      const email = unique('again');
      expect((await signIn(iso, b, email)).status).toBe(303); // registers: 2 carried, 2 more
      expect((await b.get(paths[2] ?? '')).headers.get('paywall-decision')).toBe(
        'granted; reason=metered',
      );
      expect((await b.post('/_paywall/v1/sign-out', { returnTo: '/' })).status).toBe(303);
      // Signed out: the browser's own meter is spent, as before registering.
      expect(isWalled(await (await b.get(paths[3] ?? '')).text())).toBe(true);
      expect((await signIn(iso, b, email)).status).toBe(303);
      expect((await b.get(paths[3] ?? '')).headers.get('paywall-decision')).toBe(
        'granted; reason=metered',
      );
      const fifth = await b.get(paths[4] ?? '');
      expect(fifth.headers.get('paywall-decision')).toBe('denied; reason=meter_exhausted');
    },
    LONG,
  );
});

describe('no enumeration through the limits', () => {
  it(
    'over the per-address limit, a known and an unknown address get the same 429',
    async () => {
      const iso = await isolatedWorker({ accounts: { rateLimit: { perAddress: 1 } } });
      const known = unique('known');
      await pay(iso, new Browser(iso.fetcher), known);
      const answers = [];
      for (const email of [known, unique('unknown')]) {
        const b = new Browser(iso.fetcher);
        expect((await b.post('/_paywall/v1/sign-in', { email, returnTo: '/a' })).status).toBe(303);
        const refused = await new Browser(iso.fetcher).post('/_paywall/v1/sign-in', {
          email,
          returnTo: '/a',
        });
        answers.push({
          status: refused.status,
          headers: [...refused.headers].filter(
            ([k]) => k !== 'x-request-id' && k !== 'retry-after',
          ),
          body: await refused.text(),
        });
      }
      expect(answers[0]?.status).toBe(429);
      expect(answers[1]).toEqual(answers[0]);
    },
    LONG,
  );
});

describe('codes cannot be collected across browsers', () => {
  it(
    'a stranger holding pending sign-ins from two browsers gets 5 checks on the live code, not 10',
    async () => {
      const iso = await isolatedWorker();
      const victim = unique('two-browsers');
      const first = new Browser(iso.fetcher);
      const second = new Browser(iso.fetcher);
      await first.post('/_paywall/v1/sign-in', { email: victim, returnTo: '/' });
      await second.post('/_paywall/v1/sign-in', { email: victim, returnTo: '/' });
      const code = await latestCode(iso, victim);
      const statuses: number[] = [];
      for (let k = 1; k <= 5; k += 1) {
        for (const b of [first, second]) {
          statuses.push(
            (
              await b.post('/_paywall/v1/sign-in/verify', {
                code: wrongCode(code, k),
                returnTo: '/',
              })
            ).status,
          );
        }
      }
      // The first browser's code was replaced: refused without a check, every time.
      expect(statuses.filter((_, i) => i % 2 === 0)).toEqual([400, 400, 400, 400, 400]);
      expect(statuses.filter((_, i) => i % 2 === 1)).toEqual([400, 400, 400, 400, 429]);
      const right = await second.post('/_paywall/v1/sign-in/verify', { code, returnTo: '/' });
      expect(right.status).toBe(429);
      expect(second.jar.get(ACCT)).toBeUndefined();
    },
    LONG,
  );
});
