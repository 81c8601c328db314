/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoArticle } from '../../tools/demo-origin/articles';
import {
  codeFromOutbox,
  codeOnOutboxPage,
  DEV_OUTBOX_PATH,
  entitlement,
  expectAccessible,
  expectWalled,
  expectWhole,
  indexArticles,
  launchBrowser,
  newReader,
  noticeText,
  open,
  seen,
  stack,
  supportPrompt,
  wallPrompt,
} from './browser';
import { type Stack, startStack } from './stack';

// Issue #11 in a real Chromium: a reader is a person. A supporter gets access on another
// device with an e-mailed code; with the registration wall on, an exhausted reader registers
// for more articles and the count follows them to every device they sign in on; signing out
// walls the device again; wrong codes lock. Codes are read from the development outbox page,
// as a developer would. One browser context is one device.
//
// The global stack (tests/e2e/global-setup.ts) has the registration wall off; this file starts
// a second stack with it on, and stops it afterwards.

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = resolve(ROOT, 'docs/screenshots');
/** Keep the committed screenshots light. */
const MAX_SHOT_BYTES = 150 * 1024;

const DESKTOP = { width: 1280, height: 900 };
const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

let browser: Browser;
let articles: DemoArticle[];
/** The second stack: `accounts.registration` on, 2 extra articles (limit 3 → 5). */
let registration: Stack | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const since = Date.now();
  // Side by side; whatever started is kept, so afterAll stops it even when the other failed.
  const [launched, started] = await Promise.allSettled([
    launchBrowser(),
    startStack({
      paywallConfig: { accounts: { registration: { enabled: true, extraArticles: 2 } } },
    }),
  ]);
  if (started.status === 'fulfilled') registration = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  for (const result of [launched, started]) if (result.status === 'rejected') throw result.reason;
  console.log(`[e2e] registration stack up in ${Date.now() - since} ms`);
  const { context, page } = await reader();
  articles = await indexArticles(page);
  await context.close();
  // Journey 2 needs seven different articles: 3 + 2 read, one walled, one on another device.
  expect(articles.length).toBeGreaterThanOrEqual(7);
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await registration?.stop();
});

/** A new device on the global stack (registration off), or on `on` (its own worker). */
async function reader(options: BrowserContextOptions = {}, on?: Stack) {
  const r = await newReader(browser, {
    viewport: DESKTOP,
    ...options,
    ...(on ? { baseURL: on.url } : {}),
  });
  contexts.push(r.context);
  return r;
}

function regStack(): Stack {
  if (!registration) throw new Error('the registration stack did not start');
  return registration;
}

const article = (i: number): DemoArticle => {
  const found = articles[i];
  if (!found) throw new Error(`the front page has no article #${i + 1}`);
  return found;
};

/** An address nobody else uses, with capitals (the worker keeps it in lower case). */
const uniqueAddress = (label: string) =>
  `${label}.${randomBytes(5).toString('hex')}@Example.com`.replace(/^./, (c) => c.toUpperCase());

/**
 * Runs `action` (a click that navigates) and returns the article's own response when the
 * browser lands on it, redirects included: its `Paywall-Decision` says what the worker decided.
 */
async function landOn(page: Page, target: DemoArticle, action: () => Promise<unknown>) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => new URL(r.url()).pathname === target.path && r.request().method() === 'GET',
    ),
    action(),
  ]);
  await page.waitForURL((url) => url.pathname === target.path);
  expect(response.status(), `status of ${target.path}`).toBe(200);
  return {
    html: (await response.body()).toString('utf8'),
    decision: response.headers()['paywall-decision'] ?? '',
  };
}

/** Opens an article and returns what the worker decided for it. */
async function openDecided(page: Page, target: DemoArticle) {
  const response = await page.goto(target.path);
  expect(response?.status(), `status of ${target.path}`).toBe(200);
  return {
    html: (await response?.text()) ?? '',
    decision: response?.headers()['paywall-decision'] ?? '',
  };
}

/** Free reads of `reads` (each whole), then `walledOn` is walled. */
async function exhaustMeter(page: Page, reads: DemoArticle[], walledOn: DemoArticle) {
  for (const a of reads) {
    await open(page, a);
    await expectWhole(page, a);
  }
  const { html } = await open(page, walledOn);
  await expectWalled(page, walledOn, html);
}

const heading = (page: Page) => seen(page.locator('h1'));
/** The registration wall's offer: one button-like link. */
const REGISTER = 'Register for free to read 2 more articles this month';

/** On the sign-in page: type the address and send; lands on the code page. */
async function sendCode(page: Page, address: string) {
  await page.getByLabel('E-mail address').fill(address);
  const status = await postForm(page, SEND_ACTION, 'Send me a code');
  expect(status, `the address form's answer${FORBIDDEN_HINT}`).toBe(303);
  await page.waitForURL((url) => url.pathname === '/_paywall/sign-in/code');
  await expect.poll(() => heading(page)).toBe('Enter your code');
}

const SEND_ACTION = '/_paywall/v1/sign-in';
const VERIFY_ACTION = '/_paywall/v1/sign-in/verify';
/** What a 403 from our own page's form has meant so far. */
const FORBIDDEN_HINT =
  ' (403: the worker refused the form’s Origin; Chromium sends `Origin: null` from a page' +
  ' whose Referrer-Policy is no-referrer)';

/** Clicks the submit button `button` and returns the status of the POST to `action`. */
async function postForm(page: Page, action: string, button: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => new URL(r.url()).pathname === action && r.request().method() === 'POST',
    ),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

/** On the code page: type the code and continue; resolves with the verify answer's status. */
async function submitCode(page: Page, code: string): Promise<number> {
  await page.getByLabel('6-digit code').fill(code);
  const status = await postForm(page, VERIFY_ACTION, 'Continue');
  expect(status, `the code form's answer${FORBIDDEN_HINT}`).not.toBe(403);
  return status;
}

/** The wall's account links, as a reader reads them. */
const wallLink = (page: Page, name: string) =>
  wallPrompt(page).getByRole('link', { name, exact: true });

async function expectShotSmall(path: string) {
  const { size } = await stat(path);
  expect(size, `${path} is ${size} bytes`).toBeLessThan(MAX_SHOT_BYTES);
  expect(size).toBeGreaterThan(2_000);
}

/**
 * The whole prompt and, above it, the end of the lead paragraphs where the article is cut (as
 * tests/e2e/wall.e2e.ts frames wall-desktop.png).
 */
async function shootPrompt(page: Page, path: string): Promise<void> {
  const prompt = wallPrompt(page);
  await prompt.scrollIntoViewIfNeeded();
  // A string, as tsconfig has no DOM types (`document`); it runs in the page.
  await page.waitForFunction('document.fonts.status === "loaded"');
  const box = await prompt.evaluate((el) => {
    const rect = el.getBoundingClientRect();
    const view = el.ownerDocument.defaultView;
    return { top: rect.top + (view?.scrollY ?? 0), height: rect.height };
  });
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  const top = Math.max(0, box.top - 150);
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: top, width, height: box.top - top + box.height + 24 },
  });
  await expectShotSmall(path);
}

/** One of our own small pages, down to the end of its `main` (not the empty screen below). */
async function shootPage(page: Page, path: string): Promise<void> {
  await page.waitForFunction('document.fonts.status === "loaded"');
  const bottom = await page.locator('main').evaluate((el) => el.getBoundingClientRect().bottom);
  const { width } = page.viewportSize() ?? DESKTOP;
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: 0, width, height: Math.ceil(bottom) + 32 },
  });
  await expectShotSmall(path);
}

describe('1 and 3: a supporter pays on one device, gets access on another, and signs out', () => {
  const address = uniqueAddress('supporter');
  let phone: { context: BrowserContext; page: Page };

  test('1a. pays a monthly subscription in browser A with a known e-mail address', async () => {
    const { context, page } = await reader();
    const paidOn = article(0);
    await open(page, paidOn);
    await expectWhole(page, paidOn);
    // The support box under a granted article offers the plans too.
    const monthly = supportPrompt(page).locator(
      'form:has(input[name="plan"][value="monthly"]) button',
    );
    await monthly.click();
    await page.waitForURL((url) => url.href.startsWith(`${stack().stripeUrl}/pay/`));
    await expect.poll(() => heading(page)).toBe('Subscribe');
    // The emulator's checkout page asks for the address, as Stripe's does.
    await page.getByLabel('Email').fill(address);
    await landOn(page, paidOn, () => page.locator('#pay').click());
    await expectWhole(page, paidOn);
    expect((await entitlement(context))?.ent).toMatchObject({ kind: 'subscription' });
  });

  test('1b. browser B (a phone) is walled; "Get access on this device" with the e-mailed code lands back on the same article, whole', async () => {
    phone = await reader(PHONE);
    const { context, page } = phone;
    const walled = article(3);
    await exhaustMeter(page, [article(0), article(1), article(2)], walled);
    expect(await entitlement(context)).toBeNull();

    // Registration is off on this stack: only the supporter's way in.
    await expect.poll(() => wallLink(page, 'Get access on this device').count()).toBe(1);
    expect(await wallLink(page, REGISTER).count()).toBe(0);
    expect(await wallLink(page, 'Registered? Sign in').count()).toBe(0);
    await expectAccessible(page, 'the wall, registration off');

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/_paywall/sign-in'),
      wallLink(page, 'Get access on this device').click(),
    ]);
    await expect.poll(() => heading(page)).toBe('Get access on this device');
    await expectAccessible(page, 'the sign-in page (access)');
    await shootPage(page, resolve(SHOTS, 'sign-in-address.png'));

    // The address as the phone's keyboard types it: all lower case.
    await sendCode(page, address.toLowerCase());
    await expectAccessible(page, 'the code page');
    await shootPage(page, resolve(SHOTS, 'sign-in-code.png'));

    // The code, from the development outbox, in another tab of the same browser.
    const outbox = await context.newPage();
    await outbox.goto(DEV_OUTBOX_PATH);
    await expect.poll(() => heading(outbox)).toBe('Development outbox');
    const code = await codeOnOutboxPage(outbox, address);
    await expectAccessible(outbox, 'the dev outbox page');
    await outbox.close();

    let status = 0;
    const { decision } = await landOn(page, walled, async () => {
      status = await submitCode(page, code);
    });
    expect(status).toBe(303);
    expect(decision).toBe('granted; reason=subscriber');
    await expectWhole(page, walled);
    expect((await entitlement(context))?.ent).toMatchObject({ kind: 'subscription' });
    const cookies = (await context.cookies()).map((c) => c.name);
    expect(cookies).toContain('__Host-paywall_acct');
    expect(cookies).not.toContain('__Host-paywall_signin');
  });

  test('1c. the signed-in phone: the sign-in page says so and offers to sign out', async () => {
    const { page } = phone;
    const returnTo = article(3).path;
    await page.goto(`/_paywall/sign-in?intent=access&returnTo=${encodeURIComponent(returnTo)}`);
    await expect.poll(() => heading(page)).toBe('You are signed in');
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign out of this device' }).count())
      .toBe(1);
    await expectAccessible(page, 'the signed-in page');
  });

  test('3. "Sign out" in the support box: the same article is walled again', async () => {
    const { context, page } = phone;
    const walled = article(3);
    await open(page, walled);
    await expectWhole(page, walled);
    const box = supportPrompt(page);
    await expect.poll(() => seen(box)).toContain("You're signed in on this device.");

    const out = await landOn(page, walled, () =>
      box.getByRole('button', { name: 'Sign out', exact: true }).click(),
    );
    expect(out.decision).toBe('denied; reason=meter_exhausted');
    await expectWalled(page, walled, out.html);
    const cookies = (await context.cookies()).map((c) => c.name);
    expect(cookies).not.toContain('__Host-paywall_acct');
    expect(cookies).not.toContain('__Host-paywall_ent');
    // The reader id stays: signing out never starts a fresh free meter.
    expect(cookies).toContain('__Host-paywall_rid');
    await expect.poll(() => wallLink(page, 'Get access on this device').count()).toBe(1);
  });
});

describe('2: the registration wall (a second stack with accounts.registration on)', () => {
  const address = uniqueAddress('registered');
  // Article 3 walls the first device; the account then reads 3 and 4 and is walled on 5;
  // the second device reads 0-2 on its own meter and is walled on 6, which the account has
  // not read.
  test('2a. an exhausted reader registers with the code, reads 2 more, and is walled on the next', async () => {
    const { context, page } = await reader({}, regStack());
    const walled = article(3);
    await exhaustMeter(page, [article(0), article(1), article(2)], walled);

    await expect
      .poll(() => seen(wallPrompt(page).locator('.pw-reg')))
      .toContain('Register for free to read 2 more articles this month');
    expect(await wallLink(page, 'Registered? Sign in').count()).toBe(1);
    expect(await wallLink(page, 'Get access on this device').count()).toBe(1);
    await expectAccessible(page, 'the wall, registration on');
    await shootPrompt(page, resolve(SHOTS, 'sign-in-wall-register.png'));

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/_paywall/sign-in'),
      wallLink(page, REGISTER).click(),
    ]);
    await expect.poll(() => heading(page)).toBe('Register for free');
    await expectAccessible(page, 'the sign-in page (register)');
    await sendCode(page, address);
    const code = await codeFromOutbox(context, address);
    let status = 0;
    const back = await landOn(page, walled, async () => {
      status = await submitCode(page, code);
    });
    expect(status).toBe(303);
    // The 3 anonymous reads came along: this is the 4th of 5.
    expect(back.decision).toBe('granted; reason=metered');
    await expectWhole(page, walled);
    await expect.poll(() => seen(noticeText(page))).toBe('1 free article left this month.');

    const fifth = await openDecided(page, article(4));
    expect(fifth.decision).toBe('granted; reason=metered');
    await expectWhole(page, article(4));
    await expect.poll(() => seen(noticeText(page))).toBe('No free articles left this month.');

    const next = await openDecided(page, article(5));
    expect(next.decision).toBe('denied; reason=meter_exhausted');
    await expectWalled(page, article(5), next.html);
    // Signed in: no second registration offer, the account's own line instead.
    expect(await wallLink(page, REGISTER).count()).toBe(0);
    await expect.poll(() => seen(wallPrompt(page))).toContain("You're signed in on this device.");
  });

  test('2b. "Registered? Sign in" on another browser: the count carries on, so it is walled at once', async () => {
    const { context, page } = await reader(PHONE, regStack());
    const walled = article(6);
    await exhaustMeter(page, [article(0), article(1), article(2)], walled);

    await Promise.all([
      page.waitForURL((url) => url.pathname === '/_paywall/sign-in'),
      wallLink(page, 'Registered? Sign in').click(),
    ]);
    await expect.poll(() => heading(page)).toBe('Sign in');
    await expectAccessible(page, 'the sign-in page (sign-in)');
    await sendCode(page, address);
    const code = await codeFromOutbox(context, address);
    let status = 0;
    const back = await landOn(page, walled, async () => {
      status = await submitCode(page, code);
    });
    expect(status).toBe(303);
    // The account has read 5 of its 5: walled on this device at once…
    expect(back.decision).toBe('denied; reason=meter_exhausted');
    await expectWalled(page, walled, back.html);
    expect(await wallLink(page, REGISTER).count()).toBe(0);
    // …while what the account read on the first device is a free re-read here, though this
    // browser's own anonymous meter never read it and is spent.
    const reread = await openDecided(page, article(3));
    expect(reread.decision).toBe('granted; reason=already_read');
    await expectWhole(page, article(3));

    // Signing out on the sign-in page: anonymous again, and offered registration again.
    await page.goto(`/_paywall/sign-in?intent=sign-in&returnTo=${encodeURIComponent(walled.path)}`);
    await expect.poll(() => heading(page)).toBe('You are signed in');
    const out = await landOn(page, walled, () =>
      page.getByRole('button', { name: 'Sign out of this device' }).click(),
    );
    expect(out.decision).toBe('denied; reason=meter_exhausted');
    await expectWalled(page, walled, out.html);
    await expect.poll(() => wallLink(page, REGISTER).count()).toBe(1);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-paywall_acct');
  });
});

describe('4: wrong codes', () => {
  test('six wrong codes: the 5th and 6th answers are the readable "Too many wrong codes" page, and the right code no longer works', async () => {
    const { context, page } = await reader();
    const returnTo = article(2).path;
    const address = uniqueAddress('locked');
    await page.goto(`/_paywall/sign-in?intent=access&returnTo=${encodeURIComponent(returnTo)}`);
    await expect.poll(() => heading(page)).toBe('Get access on this device');

    // An address the browser accepts and the worker does not (no dot in the domain).
    await page.getByLabel('E-mail address').fill('reader@localhost');
    const refused = await postForm(page, SEND_ACTION, 'Send me a code');
    expect(refused, `the address form's answer${FORBIDDEN_HINT}`).toBe(400);
    await expect
      .poll(() => seen(page.getByRole('alert')))
      .toBe('Enter an e-mail address, like name@example.com.');
    await expectAccessible(page, 'the sign-in page with its error');

    await sendCode(page, address);
    const right = await codeFromOutbox(context, address);
    const wrong = right === '000000' ? '000001' : '000000';

    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      if (attempt === 6) {
        // The locked page has no form: the reader opens the code page again (history, a tab).
        await page.goto(
          `/_paywall/sign-in/code?intent=access&returnTo=${encodeURIComponent(returnTo)}`,
        );
      }
      statuses.push(await submitCode(page, wrong));
      if (attempt === 1) {
        await expect
          .poll(() => seen(page.getByRole('alert')))
          .toBe('That code is not right. 4 attempts left.');
        await expectAccessible(page, 'the code page with its error');
      }
      if (attempt >= 5) {
        await expect.poll(() => heading(page)).toBe('Too many wrong codes');
        const text = await seen(page.locator('main'));
        expect(text).toContain('Ask for a new code');
        expect(await page.getByRole('link', { name: 'Send me a new code' }).count()).toBe(1);
      }
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    await expectAccessible(page, 'the locked page');

    // The right code, now: still locked, nobody signed in.
    await page.goto(
      `/_paywall/sign-in/code?intent=access&returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(await submitCode(page, right)).toBe(429);
    await expect.poll(() => heading(page)).toBe('Too many wrong codes');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-paywall_acct');
  });
});

test('an address nobody paid with (registration off): the right code shows the "no supporter" page, and nothing is granted', async () => {
  const { context, page } = await reader(PHONE);
  const returnTo = article(1).path;
  const address = uniqueAddress('nobody');
  await page.goto(`/_paywall/sign-in?intent=access&returnTo=${encodeURIComponent(returnTo)}`);
  await sendCode(page, address);
  expect(await submitCode(page, await codeFromOutbox(context, address))).toBe(200);
  await expect.poll(() => heading(page)).toBe('No supporter account uses this address');
  await expectAccessible(page, 'the "no supporter" page');
  const cookies = (await context.cookies()).map((c) => c.name);
  expect(cookies).not.toContain('__Host-paywall_acct');
  expect(cookies).not.toContain('__Host-paywall_ent');
});
