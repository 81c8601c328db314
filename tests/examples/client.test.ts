import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  createPaywallClient,
  decisionHeader,
  type PaywallDecision,
  showsFullText,
  withDecision,
} from '../../src/client';
import { CookieJar } from '../support/cookie-jar';
import { ACCESS_CALL, callsDuring, JWKS_CALL, SITE, serviceToken } from './support';

// The client on its own, against the real service (counted at its door) and broken ones.

const article = { id: 'client-test/one' };
/** Far below the test's own time limit (30 s), far above a 300 ms limit on a busy machine. */
const NEVER_A_HANG_MS = 5_000;
const request = (cookie?: string) =>
  new Request(`${SITE}/client-test`, { headers: cookie ? { cookie } : {} });

describe('createPaywallClient', () => {
  it('answers within its time limit, open by default, when the service hangs or refuses', async () => {
    for (const [baseUrl, failure] of [
      [env.TEST_HANGING_URL, 'timeout'],
      [env.TEST_CLOSED_URL, 'network'],
    ] as const) {
      const client = createPaywallClient({ baseUrl, apiKey: 'local-dev-key', timeoutMs: 300 });
      const started = Date.now();
      const decision = await client.decide(request(), article);
      // An answer, not a hang (the service never answers). A bound, not a timing: generous
      // for a busy 2-core machine; bench/ measures the limit itself.
      expect(Date.now() - started).toBeLessThan(NEVER_A_HANG_MS);
      expect(decision).toMatchObject({
        access: 'granted',
        reason: 'degraded',
        source: 'fallback',
        failure,
        setCookie: [],
      });
    }
  });

  it('answers a forwarded form with a plain 503 when the service is down', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_CLOSED_URL, apiKey: 'local-dev-key' });
    const answer = await client.forward(
      new Request(`${SITE}/_paywall/v1/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SITE },
        body: 'plan=monthly',
      }),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(await answer.text()).toMatch(/unavailable/);
  });

  it('bounds a token holder too when the service hangs: key set, then API, each under the limit', async () => {
    const client = createPaywallClient({
      baseUrl: env.TEST_HANGING_URL,
      apiKey: 'local-dev-key',
      timeoutMs: 300,
    });
    const started = Date.now();
    const decision = await client.decide(
      request(`__Host-paywall_ent=${await serviceToken()}`),
      article,
    );
    expect(Date.now() - started).toBeLessThan(NEVER_A_HANG_MS);
    expect(decision).toMatchObject({ access: 'granted', reason: 'degraded', source: 'fallback' });
  });

  it('walls instead when told to fail closed, as the service can', async () => {
    const client = createPaywallClient({
      baseUrl: env.TEST_CLOSED_URL,
      apiKey: 'local-dev-key',
      onFailure: 'closed',
    });
    const decision = await client.decide(request(), article);
    expect(decision).toMatchObject({ access: 'denied', reason: 'degraded', source: 'fallback' });
  });

  it('walls on a wrong API key: a 4xx refusal is never a reason to grant', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'wrong-key' });
    const { result, calls } = await callsDuring(() => client.decide(request(), article));
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(result).toMatchObject({ access: 'denied', source: 'fallback', failure: 'http_401' });
  });

  it('cannot be pushed into an error by crafted cookies: oversized values are dropped', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const cookie = `__Host-paywall_rid=${'a'.repeat(300)}; __Host-paywall_ent=${'b'.repeat(17_000)}`;
    const { result, calls } = await callsDuring(() => client.decide(request(cookie), article));
    expect(calls(ACCESS_CALL)).toBe(1);
    // A real answer (a new reader, metered), not a fallback; the junk token is cleared.
    const { source, reason, failure } = result;
    expect({ source, reason, failure }).toEqual({ source: 'api', reason: 'metered' });
    expect(result.setCookie).toContainEqual(expect.stringMatching(/^__Host-paywall_rid=[\w.~-]+;/));
    expect(result.setCookie).toContainEqual(
      expect.stringMatching(/^__Host-paywall_ent=; Max-Age=0;/),
    );
  });

  it('does not trust a token that names a key elsewhere (jku), even one the service signed', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const token = await serviceToken({}, { jku: 'https://evil.example/jwks.json' });
    const { result, calls } = await callsDuring(() =>
      client.decide(request(`__Host-paywall_ent=${token}`), article),
    );
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(result.source).toBe('api');
    expect(result.reason).not.toBe('subscriber');
  });

  it('keeps verifying subscribers with the last good key set while the service is down', async () => {
    let down = false;
    const client = createPaywallClient({
      baseUrl: env.TEST_SERVICE_URL,
      apiKey: 'local-dev-key',
      jwksCacheMaxAgeMs: 1,
      fetch: (input, init) => (down ? Promise.reject(new TypeError('down')) : fetch(input, init)),
    });
    const cookie = `__Host-paywall_ent=${await serviceToken()}`;
    expect((await client.decide(request(cookie), article)).source).toBe('token');
    down = true;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the cached key set is now stale
    for (let i = 0; i < 3; i++) {
      const decision = await client.decide(request(cookie), article);
      expect(decision).toMatchObject({ source: 'token', reason: 'subscriber' });
    }
    // A reader without a token still gets the failure policy.
    expect((await client.decide(request(), article)).source).toBe('fallback');
  });

  it('refuses a plain-http service URL (the key would travel in the clear), loopback excepted', () => {
    expect(() =>
      createPaywallClient({ baseUrl: 'http://paywall.example.com', apiKey: 'k' }),
    ).toThrow(/https/);
    expect(() =>
      createPaywallClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'k' }),
    ).not.toThrow();
  });

  it("forwards the reader's address, vouched for by the site key, so rate limits see readers", async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const checkout = (ip: string) =>
      client.forward(
        new Request(`${SITE}/_paywall/v1/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SITE },
          body: 'plan=monthly&returnTo=%2Fclient-test',
        }),
        { ip },
      );
    // Every request reaches the service from the same address (this machine); the service's
    // per-IP limit (20 a minute) must apply to each reader's forwarded address instead.
    const a = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const b = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await checkout(a)).status);
    expect(statuses.slice(0, 20).every((status) => status === 303)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect((await checkout(b)).status).toBe(303);
  });

  it('forwards only /_paywall/* and only small bodies', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const { result, calls } = await callsDuring(async () => [
      await client.forward(new Request(`${SITE}//evil.example/_paywall/v1/prompt`)),
      await client.forward(
        new Request(`${SITE}/_paywall/v1/checkout`, { method: 'POST', body: 'x'.repeat(20_000) }),
      ),
    ]);
    expect(result.map((r) => r.status)).toEqual([404, 413]);
    expect(calls('GET //evil.example/_paywall/v1/prompt')).toBe(0);
    expect(calls('POST /_paywall/v1/checkout')).toBe(0);
  });

  it('never fetches the JWKS for a reader without an entitlement cookie', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const { result, calls } = await callsDuring(() => client.decide(request(), article));
    expect(calls(ACCESS_CALL)).toBe(1);
    expect(calls(JWKS_CALL)).toBe(0);
    expect(result.source).toBe('api');
    expect(result.setCookie).toEqual([
      expect.stringMatching(
        /^__Host-paywall_rid=[\w.~-]+; Max-Age=34560000; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
      ),
    ]);
  });

  it('peeks without counting when asked (consume: false), and a peek is never a grant', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const first = await client.decide(request(), { id: 'client-test/peek' }, { consume: false });
    expect(first).toMatchObject({ access: 'peek', wouldBe: 'granted', reason: 'metered' });
    expect(first.meter?.used).toBe(0);
    expect(showsFullText(first)).toBe(false);
    const cookie = `__Host-paywall_rid=${first.reader.id}`;
    const second = await client.decide(
      request(cookie),
      { id: 'client-test/peek' },
      { consume: false },
    );
    expect(second.meter?.used).toBe(0);
    expect(second.setCookie).toEqual([]);
  });

  // Whoever decides a `consume: false` request (the local token check, the service, the
  // failure policy, or a service that wrongly answers a verdict), the client hands back a
  // peek: no `access === 'granted'` check passes on it.
  const answeredGranted = (access: string) =>
    (async () =>
      new Response(
        JSON.stringify({
          access,
          reason: 'metered',
          reader: { id: 'r.1', clearToken: false },
          meter: { limit: 3, used: 0, remaining: 3, resetsAt: new Date().toISOString() },
          entitlement: null,
        }),
        { headers: { 'content-type': 'application/json' } },
      )) as typeof fetch;
  const deciders: [string, () => Promise<PaywallDecision>, string, string][] = [
    [
      'a subscriber verified locally',
      async () => {
        const client = createPaywallClient({
          baseUrl: env.TEST_SERVICE_URL,
          apiKey: 'local-dev-key',
        });
        const cookie = `__Host-paywall_ent=${await serviceToken()}`;
        return client.decide(request(cookie), article, { consume: false });
      },
      'granted',
      'token',
    ],
    [
      'the service down, failing open',
      () =>
        createPaywallClient({ baseUrl: env.TEST_CLOSED_URL, apiKey: 'local-dev-key' }).decide(
          request(),
          article,
          { consume: false },
        ),
      'granted',
      'fallback',
    ],
    [
      'the service down, failing closed',
      () =>
        createPaywallClient({
          baseUrl: env.TEST_CLOSED_URL,
          apiKey: 'local-dev-key',
          onFailure: 'closed',
        }).decide(request(), article, { consume: false }),
      'denied',
      'fallback',
    ],
    [
      'a service that answers "granted" to a peek',
      () =>
        createPaywallClient({
          baseUrl: 'https://paywall.example',
          apiKey: 'k',
          fetch: answeredGranted('granted'),
        }).decide(request(), article, { consume: false }),
      'granted',
      'api',
    ],
    [
      'a service that answers "denied" to a peek',
      () =>
        createPaywallClient({
          baseUrl: 'https://paywall.example',
          apiKey: 'k',
          fetch: answeredGranted('denied'),
        }).decide(request(), article, { consume: false }),
      'denied',
      'api',
    ],
  ];
  it.each(deciders)('%s: consume false gives a peek', async (_, decide, wouldBe, source) => {
    const decision = await decide();
    expect(decision).toMatchObject({ access: 'peek', wouldBe, source });
    expect(showsFullText(decision)).toBe(false);
    expect(decisionHeader(decision)).toMatch(/^peek; reason=\w+; would-be=(granted|denied)$/);
    expect(withDecision(new Response('x'), decision).headers.get('paywall-decision')).toBe(
      decisionHeader(decision),
    );
  });

  // An answer this client cannot act on is no answer: the failure policy decides, and a
  // peek without `wouldBe`, or an unknown `access`, is never read as a grant.
  it.each(['peek', 'GRANTED', 'granted ', 'allow', 'full'])(
    'a service answer with access %j and no wouldBe is a bad response, walled when closed',
    async (access) => {
      const client = createPaywallClient({
        baseUrl: 'https://paywall.example',
        apiKey: 'k',
        onFailure: 'closed',
        fetch: answeredGranted(access),
      });
      const decision = await client.decide(request(), article);
      expect(decision).toMatchObject({ access: 'denied', failure: 'bad_response' });
    },
  );

  it('fetches the prompt fragment for a decision once, then serves it from its cache', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const walled = {
      access: 'denied',
      reason: 'meter_exhausted',
      meter: { limit: 3, used: 3, remaining: 0, resetsAt: new Date().toISOString() },
    } as PaywallDecision;
    const { result: html, calls } = await callsDuring(async () => {
      const once = await client.prompt(walled, { returnTo: '/client-test' });
      const twice = await client.prompt(walled, { returnTo: '/client-test' });
      expect(twice).toBe(once);
      return once;
    });
    expect(calls('GET /_paywall/v1/prompt')).toBe(1);
    expect(html).toMatch(/^<style/);
    expect(html).toContain('data-pw-variant="wall"');
    expect(html).toContain('name="returnTo" value="/client-test"');
    expect(html).toContain('3 free articles');

    const down = createPaywallClient({ baseUrl: env.TEST_CLOSED_URL, apiKey: 'local-dev-key' });
    expect(await down.prompt(walled, { returnTo: '/client-test' })).toBeNull();
  });
});

describe('sign-in through the client', () => {
  it('forward carries the sign-in cookies both ways, and decide meters the signed-in account (reader.account)', async () => {
    const client = createPaywallClient({ baseUrl: env.TEST_SERVICE_URL, apiKey: 'local-dev-key' });
    const jar = new CookieJar();
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const post = async (path: string, fields: Record<string, string>) => {
      const response = await client.forward(
        new Request(`${SITE}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'text/html',
            origin: SITE,
            cookie: `${jar.header()}; site_session=keep-me-here`,
          },
          body: new URLSearchParams(fields).toString(),
          redirect: 'manual',
        }),
        { ip },
      );
      jar.take(response);
      return response;
    };
    const email = `client-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect((await post('/_paywall/v1/sign-in', { email, returnTo: '/client-test' })).status).toBe(
      303,
    );
    expect(jar.get('__Host-paywall_signin')).toBeTruthy();
    const outbox = await client.forward(new Request(`${SITE}/_paywall/dev/outbox?format=json`));
    const { messages } = (await outbox.json()) as { messages: { to: string; text: string }[] };
    const code = /\b(\d{6})\b/.exec(messages.find((m) => m.to === email)?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const verified = await post('/_paywall/v1/sign-in/verify', {
      code: code ?? '',
      returnTo: '/client-test',
    });
    expect(verified.status).toBe(303);
    const account = jar.get('__Host-paywall_acct');
    expect(account).toBeTruthy();

    // The account, not this browser: the registered limit (3 + 2), counted as the account.
    const first = await client.decide(request(jar.header()), { id: `client-acct/${email}/1` });
    expect(first.meter).toMatchObject({ limit: 5, used: 1 });
    const otherDevice = await client.decide(request(`__Host-paywall_acct=${account}`), {
      id: `client-acct/${email}/2`,
    });
    expect(otherDevice.meter).toMatchObject({ limit: 5, used: 2 });
  });
});
