/// <reference types="node" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoArticle } from '../../tools/demo-origin/articles';
import {
  entitlement,
  expectWalled,
  expectWhole,
  indexArticles,
  launchBrowser,
  newReader,
  noticeText,
  open,
  openFromIndex,
  STEP_TIMEOUT_MS,
  seen,
  stack,
  supportPrompt,
  wallPrompt,
} from './browser';

// "In front of the article": readers in a real Chromium against the real worker (wrangler
// dev), the demo site, upstash-local and the Stripe emulator, which delivers signed webhooks
// to the worker itself. One browser context is one reader (one device).

let browser: Browser;
let articles: DemoArticle[];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const { context, page } = await reader();
  articles = await indexArticles(page);
  await context.close();
  expect(articles.length).toBeGreaterThanOrEqual(5);
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
});

async function reader() {
  const r = await newReader(browser);
  contexts.push(r.context);
  return r;
}

const article = (i: number): DemoArticle => {
  const found = articles[i];
  if (!found) throw new Error(`the front page has no article #${i + 1}`);
  return found;
};

/** Three free reads, then the given article is walled. */
async function exhaustMeter(page: Page, reads: DemoArticle[], walledOn: DemoArticle) {
  for (const a of reads) {
    await open(page, a);
    await expect.poll(() => wallPrompt(page).count()).toBe(0);
  }
  const { html } = await open(page, walledOn);
  await expectWalled(page, walledOn, html);
}

/** On the emulator's hosted checkout page: the "succeeds" card is preselected; pay. */
async function payOnCheckoutPage(page: Page, backTo: DemoArticle, heading: string) {
  await page.waitForURL((url) => url.href.startsWith(`${stack().stripeUrl}/pay/`));
  await expect.poll(() => seen(page.locator('h1'))).toBe(heading);
  expect(await page.locator('input[name="outcome"][value="success"]').isChecked()).toBe(true);
  await Promise.all([
    // POST /pay → 303 success_url (the worker's /checkout/complete) → 303 the article.
    page.waitForURL((url) => url.origin === stack().url && url.pathname === backTo.path),
    page.locator('#pay').click(),
  ]);
}

async function subscribeMonthly(page: Page, walledOn: DemoArticle) {
  const monthly = wallPrompt(page).locator('form:has(input[name="plan"][value="monthly"]) button');
  await expect.poll(() => seen(monthly)).toMatch(/^Monthly\s+€5(\.00)? a month$/);
  await monthly.click();
  await payOnCheckoutPage(page, walledOn, 'Subscribe');
}

describe('a reader on one device', () => {
  let page: Page;
  let context: BrowserContext;

  test('1. reads three articles from the front page while the notice counts down', async () => {
    ({ context, page } = await reader());
    const expected = [
      '2 of 3 free articles left this month.',
      '1 free article left this month.',
      'No free articles left this month.',
    ];
    for (const [i, notice] of expected.entries()) {
      await openFromIndex(page, article(i));
      await expectWhole(page, article(i));
      await expect.poll(() => seen(noticeText(page))).toBe(notice);
    }
    // Re-reading a counted article is free, and counts nothing (so no notice).
    await open(page, article(0));
    await expectWhole(page, article(0));
    expect(await noticeText(page).count()).toBe(0);
  });

  test('2. the fourth article is walled: its third paragraph never reaches the browser', async () => {
    const walled = article(3);
    const { html } = await openFromIndex(page, walled);
    await expectWalled(page, walled, html);
    await expect
      .poll(() => seen(wallPrompt(page).locator('.pw-lead')))
      .toBe("You've read your 3 free articles this month. Support our reporting to keep reading.");
    // The same page fetched again with the reader's own cookies, outside the renderer.
    const again = await context.request.get(walled.path);
    expect(again.headers()['paywall-decision']).toBe('denied; reason=meter_exhausted');
    const raw = await again.text();
    expect(raw).toContain(walled.paragraphs[1]);
    expect(raw).not.toContain(walled.paragraphs[2]);
    expect(raw).not.toContain('__ARTICLE_DATA__');
  });

  test('3. subscribes monthly in the prompt and lands back on the same article, whole', async () => {
    const walled = article(3);
    await subscribeMonthly(page, walled);
    await expectWhole(page, walled);
    const claims = await entitlement(context);
    expect(claims?.ent).toMatchObject({ kind: 'subscription', status: 'active' });
    expect(claims && claims.exp - claims.iat).toBe(stack().tokenTtlSeconds);
    // Subscribers read anything else too, without a meter notice.
    await open(page, article(4));
    await expectWhole(page, article(4));
    expect(await noticeText(page).count()).toBe(0);
  });
});

test('4. another device of the same person has no entitlement: walled after three reads', async () => {
  const { context, page } = await reader();
  expect(await entitlement(context)).toBeNull();
  await exhaustMeter(page, [article(0), article(1), article(2)], article(3));
  expect(await entitlement(context)).toBeNull();
});

test('5. a one-time custom contribution (7.50, once) unlocks the walled article', async () => {
  const { context, page } = await reader();
  const walled = article(7 % articles.length);
  await exhaustMeter(page, [article(4), article(5), article(6)], walled);

  const form = wallPrompt(page).locator('form.pw-c');
  await form.getByLabel('Other amount (€)').fill('7.50');
  await form.getByRole('radio', { name: 'Once' }).check();
  await form.getByRole('button', { name: 'Contribute' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stack().stripeUrl}/pay/`));
  await expect.poll(() => seen(page.locator('#total'))).toBe('€7.50');
  await payOnCheckoutPage(page, walled, 'Make a contribution');

  await expectWhole(page, walled);
  expect((await entitlement(context))?.ent).toMatchObject({ kind: 'supporter_pass' });
});

test('6. cancelling in the portal walls the reader once the token lifetime has passed', async () => {
  const { context, page } = await reader();
  const paidOn = article(3);
  const fresh = article(4);
  await exhaustMeter(page, [article(0), article(1), article(2)], paidOn);
  await subscribeMonthly(page, paidOn);
  await expectWhole(page, paidOn);
  const token = await entitlement(context);
  if (!token) throw new Error('no entitlement cookie after checkout');

  // "Manage my support" in the live prompt → POST /_paywall/v1/portal → the emulator's portal.
  await supportPrompt(page).getByRole('button', { name: 'Manage my support' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${stack().stripeUrl}/portal/`));
  await expect.poll(() => seen(page.locator('.status'))).toBe('active');
  await page.getByRole('button', { name: 'Cancel now' }).click();
  await expect.poll(() => seen(page.locator('.status'))).toBe('canceled');
  await Promise.all([
    page.waitForURL((url) => url.origin === stack().url && url.pathname === paidOn.path),
    page.locator('#return').click(),
  ]);
  // Still holding the unexpired token: what walls the reader below is its refresh.
  expect((await entitlement(context))?.jti).toBe(token.jti);

  // The worker's clock cannot be moved from here, so wait the token out for real: its
  // lifetime plus the verifier's clock tolerance (5 s by default) and a second to spare.
  const walledFrom = (token.exp + 5 + 1) * 1000;
  const wait = walledFrom - Date.now();
  console.log(`[e2e] waiting ${Math.ceil(wait / 1000)} s for the entitlement token to expire`);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

  // The expired token is refreshed from the subscriber record, which the emulator's signed
  // webhook has marked cancelled: no entitlement, and the meter is still spent.
  const { html } = await open(page, fresh);
  await expectWalled(page, fresh, html);
  expect(await entitlement(context)).toBeNull();
  const again = await open(page, paidOn);
  await expectWalled(page, paidOn, again.html);
}, 240_000);

test('7. the success URL opened in another browser shows where access went, not access', async () => {
  const payer = await reader();
  const walled = article(3);
  await exhaustMeter(payer.page, [article(0), article(1), article(2)], walled);
  // The way back from Checkout, as the paying browser requested it (history, logs, a paste).
  const successUrl = payer.page
    .waitForRequest((r) => new URL(r.url()).pathname === '/_paywall/checkout/complete')
    .then((r) => r.url());
  await subscribeMonthly(payer.page, walled);
  await expectWhole(payer.page, walled);
  const link = await successUrl;
  expect(new URL(link).searchParams.get('session_id')).toMatch(/^cs_/);

  // Another browser (another device, or whoever the link reached), walled on the same article.
  const other = await reader();
  await exhaustMeter(other.page, [article(0), article(1), article(2)], walled);
  const refused = await other.page.goto(link);
  expect(refused?.status()).toBe(403);
  expect(refused?.headers()['referrer-policy']).toBe('no-referrer');
  await expect
    .poll(() => seen(other.page.locator('h1')))
    .toBe('Access went to the browser you paid with');
  const text = await seen(other.page.locator('body'));
  expect(text).toMatch(/choose "Get access on this device" under any article/);
  expect(text).not.toContain(new URL(link).searchParams.get('session_id'));
  expect(await entitlement(other.context)).toBeNull();
  const again = await open(other.page, walled);
  await expectWalled(other.page, walled, again.html);

  // The paying browser opening its link again: back to the article, still whole, same token.
  const token = await entitlement(payer.context);
  await payer.page.goto(link);
  await payer.page.waitForURL((url) => url.pathname === walled.path);
  await expectWhole(payer.page, walled);
  expect((await entitlement(payer.context))?.jti).toBe(token?.jti);
});

test('the journeys ran against this run’s worker, not a developer’s .dev.vars', async () => {
  // Only the key generated for this run is published: the vars given to wrangler won.
  const jwks = (await (await fetch(`${stack().url}/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
  expect(jwks.keys.map((k) => k.kid)).toEqual([stack().signingKid]);
  const health = await fetch(`${stack().url}/_paywall/healthz`, {
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  expect(((await health.json()) as { redis: { status: string } }).redis.status).toBe('ok');
});
