import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checkoutForm, checkoutJson, freshIp, SITE_ORIGIN } from '../support/checkout';
import { mintViaService, seedSubscriber } from '../support/entitlements';
import { stripeClient } from '../support/stripe';
import { BASE, withBindings } from '../support/worker';

// issue #10 item 6: every route that takes a returnTo (checkout as JSON and as a form, the
// portal, the prompt fragment) refuses the same hostile spellings through the one parser, and
// what it accepts stays on the site wherever it ends up (Stripe's cancel and return URLs,
// Location, the prompt's hidden fields). The full table is tests/unit/http/return-to.test.ts.
// Its own Redis prefix: the checkouts made here do not spend the site-wide checkout budget
// the other test files share.
const PREFIX = `${env.REDIS_KEY_PREFIX}returnto:`;
const callWorker = withBindings({ REDIS_KEY_PREFIX: PREFIX });

const HOSTILE: Array<[string, string]> = [
  ['the issue’s dot segment', '/.//evil.example/phish'],
  ['dot-dot then //', '/a/..//evil.example'],
  ['encoded dot then //', '/%2e//evil.example'],
  ['mixed-case encoded dot-dot then //', '/x/%2E%2e//evil.example'],
  ['encoded slashes', '/%2F%2Fevil.example'],
  ['encoded backslash', '/%5Cevil.example'],
  ['double-encoded slashes', '/%252F%252Fevil.example'],
  ['backslash', '/\\evil.example'],
  ['tab', '/\t/evil.example'],
  ['newline', '/\n/evil.example'],
  ['protocol-relative', '//evil.example'],
  ['absolute with our host as userinfo', 'https://paywall.test@evil.example/'],
  ['javascript:', 'javascript:alert(1)'],
  ['our API with %5F', '/%5Fpaywall/v1/checkout'],
  ['very long', `/${'a'.repeat(600)}`],
];

function portalForm(
  fields: Record<string, string>,
  init: { origin?: string | null; cookie?: string; accept?: string; contentType?: string } = {},
): Request {
  const headers = new Headers({
    'content-type': init.contentType ?? 'application/x-www-form-urlencoded',
    accept: init.accept ?? 'text/html',
  });
  const origin = init.origin === undefined ? SITE_ORIGIN : init.origin;
  if (origin !== null) headers.set('origin', origin);
  if (init.cookie) headers.set('cookie', init.cookie);
  return new Request(`${BASE}/_paywall/v1/portal`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

const promptRequest = (returnTo: string) =>
  new Request(`${BASE}/_paywall/v1/prompt?${new URLSearchParams({ returnTo })}`);

async function expectInvalidReturnTo(response: Response) {
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('invalid_request');
}

describe('a hostile returnTo is refused by every route', () => {
  it.each(HOSTILE)('checkout JSON: %s', async (_, returnTo) => {
    await expectInvalidReturnTo(
      await callWorker(checkoutJson({ plan: 'monthly', returnTo }, { ip: freshIp() })),
    );
  });

  it.each(HOSTILE)('checkout form: %s', async (_, returnTo) => {
    await expectInvalidReturnTo(
      await callWorker(checkoutForm({ plan: 'monthly', returnTo }, { ip: freshIp() })),
    );
  });

  it.each(HOSTILE)('portal: %s', async (_, returnTo) => {
    await expectInvalidReturnTo(
      await callWorker(portalForm({ returnTo }, { accept: 'application/json' })),
    );
  });

  it.each(HOSTILE)('portal for a browser (no Location anywhere): %s', async (_, returnTo) => {
    const response = await callWorker(portalForm({ returnTo }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it.each(HOSTILE)('prompt fragment: %s', async (_, returnTo) => {
    await expectInvalidReturnTo(await callWorker(promptRequest(returnTo)));
  });
});

describe('an accepted returnTo stays on the site wherever it goes', () => {
  const SAFE: Array<[string, string]> = [
    ['an article', '/2026/11/harbour-lights'],
    ['a dot segment, resolved', '/news/./x/../story?ref=a%2F%2Fb'],
  ];

  it.each(SAFE)('checkout JSON: %s is the cancel URL and the metadata', async (_, returnTo) => {
    const response = await callWorker(
      checkoutJson({ plan: 'monthly', returnTo }, { ip: freshIp() }),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const session = await stripeClient().checkout.sessions.retrieve(
      new URL(url).pathname.split('/').pop() as string,
    );
    const expected = new URL(returnTo, BASE);
    expect(new URL(session.cancel_url as string).origin).toBe(BASE);
    expect(session.cancel_url).toBe(expected.href);
    expect(session.metadata?.returnTo).toBe(`${expected.pathname}${expected.search}`);
  });

  it.each(SAFE)('checkout form: %s is the cancel URL', async (_, returnTo) => {
    const response = await callWorker(
      checkoutForm({ plan: 'monthly', returnTo }, { ip: freshIp() }),
    );
    expect(response.status).toBe(303);
    const session = await stripeClient().checkout.sessions.retrieve(
      new URL(response.headers.get('location') as string).pathname.split('/').pop() as string,
    );
    expect(session.cancel_url).toBe(new URL(returnTo, BASE).href);
  });

  it.each(SAFE)('portal without an entitlement: %s, back to the prompt', async (_, returnTo) => {
    const response = await callWorker(portalForm({ returnTo: `${returnTo}#comments` }));
    expect(response.status).toBe(303);
    const location = response.headers.get('location') as string;
    const expected = new URL(returnTo, BASE);
    expect(location).toBe(`${expected.pathname}${expected.search}#paywall-prompt`);
    expect(new URL(location, `${BASE}/any/page`).origin).toBe(BASE);
  });

  it.each(SAFE)("portal for a subscriber: %s is Stripe's return URL", async (_, returnTo) => {
    const customer = await stripeClient().customers.create({});
    const { userId } = await seedSubscriber({ stripe: { customerId: customer.id } }, PREFIX);
    const token = (await mintViaService(callWorker, userId)).entitlement?.token as string;
    expect(token).toBeTruthy();
    const response = await callWorker(
      portalForm({ returnTo }, { cookie: `__Host-paywall_ent=${token}` }),
    );
    expect(response.status).toBe(303);
    const page = await (await fetch(response.headers.get('location') as string)).text();
    const href = /href="([^"]+)" id="return"/.exec(page)?.[1];
    expect(href?.replace(/&amp;/g, '&')).toBe(new URL(returnTo, BASE).href);
  });

  it.each(SAFE)('prompt fragment: %s in every hidden returnTo', async (_, returnTo) => {
    const response = await callWorker(promptRequest(returnTo));
    expect(response.status).toBe(200);
    const html = await response.text();
    const values = [...html.matchAll(/name="returnTo" value="([^"]*)"/g)].map((m) => m[1]);
    expect(values.length).toBeGreaterThan(0);
    const expected = new URL(returnTo, BASE);
    for (const value of values)
      expect(value?.replace(/&amp;/g, '&')).toBe(`${expected.pathname}${expected.search}`);
  });
});

describe('the portal takes the prompt form from the site only', () => {
  it.each([
    ['another site', 'https://evil.example'],
    ['a look-alike host', 'https://paywall.test.evil.example'],
    ['an opaque origin (sandboxed frame, data: URL)', 'null'],
    ['no Origin at all', null],
  ])('a form from %s is 403, and no portal is opened', async (_, origin) => {
    const { userId } = await seedSubscriber({}, PREFIX);
    const token = (await mintViaService(callWorker, userId)).entitlement?.token as string;
    const cookie = `__Host-paywall_ent=${token}`;
    const json = await callWorker(portalForm({}, { origin, cookie, accept: 'application/json' }));
    expect(json.status).toBe(403);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const page = await callWorker(portalForm({}, { origin, cookie }));
    expect(page.status).toBe(403);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('only be posted from the site itself');
  });

  it.each([
    ['JSON', 'application/json'],
    ['text/plain (a cross-site form can send it)', 'text/plain'],
  ])('%s is refused with 400', async (_, contentType) => {
    const response = await callWorker(portalForm({}, { contentType, accept: 'application/json' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_request',
    );
  });

  // In local development a form from this machine may post (an example site forwarding to
  // us); the header becomes the start of Stripe's return URL, so it must be exactly an origin.
  // 401 = past the origin check (no entitlement cookie here), 403 = refused at it.
  it.each([
    ['a loopback origin', 'http://127.0.0.1:8787', 401],
    ['localhost', 'http://localhost:3000', 401],
    ['a loopback origin with a path', 'http://127.0.0.1:8787/x', 403],
    ['a loopback host then a fragment to another host', 'http://127.0.0.1#@evil.example', 403],
    ['loopback as userinfo', 'http://127.0.0.1@evil.example', 403],
    ['a look-alike of localhost', 'http://localhost.evil.example', 403],
  ])('in development, %s → %s', async (_, origin, status) => {
    const development = withBindings({ ENVIRONMENT: 'development', REDIS_KEY_PREFIX: PREFIX });
    const response = await development(
      portalForm({ returnTo: '/2026/11/story' }, { origin, accept: 'application/json' }),
    );
    expect(response.status).toBe(status);
  });
});
