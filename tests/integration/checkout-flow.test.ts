import { describe, expect, it } from 'vitest';
import { checkoutForm, checkoutJson, freshIp } from '../support/checkout';
import { setCookies } from '../support/cookie-jar';
import { decideWithToken, genuineClaims, signingKeys, signWith } from '../support/entitlements';
import { control, deliverAll, stripeClient } from '../support/stripe';
import { type AccessBody, callWorker } from '../support/worker';

const nowS = () => Math.floor(Date.now() / 1000);
type Paid = { redirectUrl: string; events: { id: string; type: string }[] };

function cookieValue(response: Response, name: string): string | null {
  for (const line of setCookies(response)) {
    const [pair] = line.split(';');
    const [k, v] = (pair ?? '').split('=');
    if (k === name) return v ?? '';
  }
  return null;
}

/** Form post from the prompt → Stripe's page → pay → back through the worker. */
async function subscribeThroughPrompt(fields: Record<string, string>, outcome = 'success') {
  const posted = await callWorker(
    checkoutForm({ returnTo: '/2026/11/story', ...fields }, { ip: freshIp() }),
  );
  expect(posted.status).toBe(303);
  const checkoutUrl = new URL(posted.headers.get('location') ?? '');
  const sessionId = checkoutUrl.pathname.split('/').pop() as string;
  expect(sessionId).toMatch(/^cs_/);
  const paid = await control<Paid>(`/_control/checkout/sessions/${sessionId}/pay`, { outcome });
  // The way back, in the browser that paid: it carries the reader cookie the form post set.
  const rid = cookieValue(posted, '__Host-paywall_rid');
  const comeBack = () =>
    callWorker(
      new Request(paid.redirectUrl, {
        redirect: 'manual',
        headers: { cookie: `__Host-paywall_rid=${rid}` },
      }),
    );
  return { posted, sessionId, paid, comeBack };
}

describe('checkout: from the prompt to an entitled reader', () => {
  it('monthly plan: the form gets a 303 to Checkout, paying returns to the same article with a cookie', async () => {
    const { posted, sessionId, paid, comeBack } = await subscribeThroughPrompt({
      plan: 'monthly',
    });
    expect(cookieValue(posted, '__Host-paywall_rid')).toBeTruthy(); // a new reader got an id

    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    expect(session.mode).toBe('subscription');
    expect(session.metadata).toMatchObject({
      paywall: '1',
      plan: 'monthly',
      kind: 'subscription',
      returnTo: '/2026/11/story',
    });
    // Early expiry (30 minutes after the end of the 10-minute idempotency slot), not 24 hours.
    expect(session.expires_at - session.created).toBeGreaterThanOrEqual(30 * 60);
    expect(session.expires_at - session.created).toBeLessThanOrEqual(40 * 60);

    const back = await comeBack();
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/2026/11/story');
    const token = cookieValue(back, '__Host-paywall_ent') as string;
    expect(token).toBeTruthy();
    const setCookie = setCookies(back).join('\n');
    expect(setCookie).toMatch(/__Host-paywall_ent=[^;]+;.*Path=\//);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const decision = (await (await decideWithToken(callWorker, token)).json()) as AccessBody;
    expect([decision.reason, decision.entitlement?.kind, decision.entitlement?.plan]).toEqual([
      'subscriber',
      'subscription',
      'monthly',
    ]);

    // The webhooks arrive too: they sync the same record, and a second delivery is a duplicate.
    const ids = paid.events.map((e) => e.id);
    const first = await deliverAll(callWorker, ids);
    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(first.some((r) => r.outcome === 'synced')).toBe(true);
    const again = await deliverAll(callWorker, ids);
    expect(again.map((r) => r.outcome)).toEqual(ids.map(() => 'duplicate'));
  });

  it('a one-time custom contribution is a donation payment that grants a supporter pass', async () => {
    const { sessionId, comeBack } = await subscribeThroughPrompt({
      customAmount: '7.50',
      recurring: 'once',
      currency: 'eur',
    });
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    expect([session.mode, session.submit_type, session.amount_total]).toEqual([
      'payment',
      'donate',
      750,
    ]);
    const back = await comeBack();
    const token = cookieValue(back, '__Host-paywall_ent') as string;
    const decision = (await (await decideWithToken(callWorker, token)).json()) as AccessBody;
    expect([decision.reason, decision.entitlement?.kind]).toEqual(['subscriber', 'supporter_pass']);
    const until = Date.parse(decision.entitlement?.until ?? '');
    expect(until).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('a monthly contribution at a chosen amount is a subscription at that amount', async () => {
    const response = await callWorker(
      checkoutJson(
        { contribution: { amount: 1200, currency: 'eur', recurring: true }, returnTo: '/x' },
        { ip: freshIp() },
      ),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const sessionId = new URL(url).pathname.split('/').pop() as string;
    const session = await stripeClient().checkout.sessions.retrieve(sessionId, {
      expand: ['line_items'],
    });
    expect([session.mode, session.amount_total, session.metadata?.kind]).toEqual([
      'subscription',
      1200,
      'recurring_contribution',
    ]);
  });

  it('the same request twice (a double click) gets the same session; another reader gets another', async () => {
    const { accessRequest } = await import('../support/worker');
    const peek = async () =>
      (
        (await (
          await callWorker(accessRequest({ article: { id: 'peek' }, consume: false }))
        ).json()) as AccessBody
      ).reader.id;
    const [alice, bob] = [await peek(), await peek()];
    const ask = async (readerId: string) =>
      (
        (await (
          await callWorker(
            checkoutJson({ plan: 'yearly', readerId, returnTo: '/same' }, { ip: freshIp() }),
          )
        ).json()) as {
          url: string;
        }
      ).url;
    const a1 = await ask(alice);
    // A second later (a reader back from Checkout, trying again): still the same session.
    await new Promise((r) => setTimeout(r, 1_100));
    const [a2, b1] = [await ask(alice), await ask(bob)];
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
  });

  it('an asynchronous payment: no access until it clears, then access', async () => {
    const { paid, sessionId, comeBack } = await subscribeThroughPrompt(
      { plan: 'monthly' },
      'async',
    );
    const back = await comeBack();
    expect(back.status).toBe(200);
    expect(await back.text()).toMatch(/payment clears/);
    expect(cookieValue(back, '__Host-paywall_ent')).toBeNull();
    const pending = await deliverAll(
      callWorker,
      paid.events.map((e) => e.id),
    );
    expect(pending.every((r) => r.status === 200)).toBe(true);

    const settled = await control<Paid>(`/_control/checkout/sessions/${sessionId}/settle`, {
      succeeded: true,
    });
    expect(settled.events.map((e) => e.type)).toContain('checkout.session.async_payment_succeeded');
    const outcomes = await deliverAll(
      callWorker,
      settled.events.map((e) => e.id),
    );
    expect(outcomes.some((r) => r.outcome === 'synced')).toBe(true);
    const again = await comeBack();
    expect(again.status).toBe(303);
    expect(cookieValue(again, '__Host-paywall_ent')).toBeTruthy();
  });

  it('an unknown or foreign session id gets a friendly 400 page', async () => {
    for (const id of ['cs_test_doesnotexist', 'nope', '']) {
      const response = await callWorker(
        new Request(`https://paywall.test/_paywall/checkout/complete?session_id=${id}`),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    }
    // A session someone made outside the paywall (no paywall metadata) is foreign.
    const foreign = await stripeClient().checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_local_monthly', quantity: 1 }],
      success_url: 'https://elsewhere.example/ok',
    });
    const response = await callWorker(
      new Request(`https://paywall.test/_paywall/checkout/complete?session_id=${foreign.id}`),
    );
    expect(response.status).toBe(400);
  });
});

describe('a subscription lifecycle', () => {
  it('entitled; a payment fails, then grace; cancelled, then denied once the token expires', async () => {
    const { paid, comeBack } = await subscribeThroughPrompt({ plan: 'monthly' });
    const back = await comeBack();
    const token = cookieValue(back, '__Host-paywall_ent') as string;
    await deliverAll(
      callWorker,
      paid.events.map((e) => e.id),
    );
    const initial = (await (await decideWithToken(callWorker, token)).json()) as AccessBody;
    const sub = initial.entitlement?.subscriberId as string;
    const subscriptionId = (await stripeClient().subscriptions.list({ limit: 100 })).data.find(
      (s) => s.metadata.returnTo === '/2026/11/story' && s.status === 'active',
    )?.id;
    expect(subscriptionId).toBeTruthy();

    // The token lifetime passing is simulated with an expired token for the same subscriber.
    const key = signingKeys()[0];
    if (!key) throw new Error('no key');
    const expired = () =>
      signWith(key, genuineClaims(sub, { iat: nowS() - 3_600, exp: nowS() - 2_700 }));

    const failed = await control<Paid>(`/_control/subscriptions/${subscriptionId}/fail_payment`);
    await deliverAll(
      callWorker,
      failed.events.map((e) => e.id),
    );
    const inGrace = (await (
      await decideWithToken(callWorker, await expired())
    ).json()) as AccessBody;
    expect([inGrace.reason, inGrace.entitlement?.status]).toEqual(['subscriber', 'past_due']);

    const cancelled = await control<Paid>(`/_control/subscriptions/${subscriptionId}/cancel`);
    await deliverAll(
      callWorker,
      cancelled.events.map((e) => e.id),
    );
    const after = (await (await decideWithToken(callWorker, await expired())).json()) as AccessBody;
    expect(after.reason).not.toBe('subscriber');
    expect(after.reader.clearToken).toBe(true);
  });

  it('paying, then subscribing again within the same minutes, gets a new session (not an error)', async () => {
    const { accessRequest } = await import('../support/worker');
    const peek = await callWorker(accessRequest({ article: { id: 'again' }, consume: false }));
    const readerId = ((await peek.json()) as AccessBody).reader.id;
    const ask = async () => {
      const response = await callWorker(
        checkoutJson({ plan: 'monthly', readerId, returnTo: '/again' }, { ip: freshIp() }),
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { url: string }).url;
    };
    const first = await ask();
    await control(`/_control/checkout/sessions/${new URL(first).pathname.split('/').pop()}/pay`, {
      outcome: 'success',
    });
    // A reader takes longer than this to pay and come back; the worker recognises a replayed
    // session by its age (see routes/checkout.ts), so the test waits like a reader would.
    await new Promise((r) => setTimeout(r, 6_000));
    const second = await ask();
    expect(second).not.toBe(first);
  });
});

describe('a browser form that fails', () => {
  it('gets a page with a way back, not JSON', async () => {
    const request = checkoutForm(
      { customAmount: '0.50', recurring: 'once', currency: 'eur' },
      { ip: freshIp() },
    );
    const headers = new Headers(request.headers);
    headers.set('accept', 'text/html,application/xhtml+xml');
    headers.set('referer', 'https://paywall.test/2026/11/story');
    const response = await callWorker(new Request(request, { headers }));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('href="/2026/11/story"'); // the same page, as a path on the site
    expect(html).toMatch(/Amount must be/);
  });
});
