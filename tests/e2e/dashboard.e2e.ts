/// <reference types="node" />
import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paywallConfigSchema } from '../../src/config';
import type { Env } from '../../src/env';
import type { DemoArticle } from '../../tools/demo-origin/articles';
import { seedDemoStats } from '../../tools/stats-seed/run';
import {
  expectAccessible,
  expectWalled,
  expectWhole,
  indexArticles,
  launchBrowser,
  newReader,
  open,
  seen,
  stack,
  wallPrompt,
} from './browser';

// The publisher's dashboard (/_paywall/admin) in a real Chromium, against the real worker:
// a reader reads, meets the wall and pays in another browser context, and the dashboard's
// funnel moves by exactly what they did. The stack runs in development with no Access and no
// admin key, so the dashboard opens from loopback only, which is where the browser is.

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = resolve(ROOT, 'docs/screenshots');
const DESKTOP = { width: 1280, height: 900 };
const ADMIN = '/_paywall/admin';

let browser: Browser;
let articles: DemoArticle[];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
  const first = await newReader(browser);
  contexts.push(first.context);
  articles = await indexArticles(first.page);
  // The month before today, as `npm start` seeds it, so the screenshot shows a month; today
  // holds only what the journeys do, and the test below checks differences.
  const { upstash, keyPrefix } = stack();
  const seeded = await seedDemoStats(
    {
      ENVIRONMENT: 'development',
      PAYWALL_CONFIG: paywallConfigSchema.parse({}),
      REDIS_KEY_PREFIX: keyPrefix,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
    } as unknown as Env,
    { now: new Date() },
  );
  expect(seeded.seeded).toBe(true);
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
});

const article = (i: number): DemoArticle => {
  const found = articles[i];
  if (!found) throw new Error(`the front page has no article #${i + 1}`);
  return found;
};

type Funnel = Record<
  'Views' | 'Walled views' | 'Prompts shown' | 'Checkouts started' | 'Paid',
  number
>;

/** The dashboard's funnel table as a person reads it: step → count. */
async function funnel(page: Page): Promise<Funnel> {
  const response = await page.goto(ADMIN);
  expect(response?.status()).toBe(200);
  const rows = await page
    .locator('#table-funnel-caption')
    .locator('xpath=ancestor::table')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.querySelector('th')?.textContent ?? '',
        tr.querySelector('td')?.textContent ?? '',
      ]),
    );
  return Object.fromEntries(
    rows.map(([step, count]) => [step, Number((count ?? '').replace(/[^\d]/g, ''))]),
  ) as Funnel;
}

describe('the dashboard', () => {
  test('moves by exactly what a reader did: four reads, one wall, one checkout, one payment', async () => {
    const admin = await newReader(browser, { viewport: DESKTOP });
    contexts.push(admin.context);
    const before = await funnel(admin.page);
    expect(Object.keys(before).sort()).toEqual(
      ['Checkouts started', 'Paid', 'Prompts shown', 'Views', 'Walled views'].sort(),
    );

    const reader = await newReader(browser, { viewport: DESKTOP });
    contexts.push(reader.context);
    const { page } = reader;
    for (const i of [0, 1, 2]) {
      await open(page, article(i));
      await expectWhole(page, article(i));
    }
    const walled = article(3);
    const { html } = await open(page, walled);
    await expectWalled(page, walled, html);
    const monthly = wallPrompt(page).locator(
      'form:has(input[name="plan"][value="monthly"]) button',
    );
    await monthly.click();
    await page.waitForURL((url) => url.href.startsWith(`${stack().stripeUrl}/pay/`));
    await Promise.all([
      page.waitForURL((url) => url.origin === stack().url && url.pathname === walled.path),
      page.locator('#pay').click(),
    ]);
    await expectWhole(page, walled);

    // The payment is counted from Stripe's webhook, which the emulator delivers on its own.
    await expect
      .poll(async () => (await funnel(admin.page)).Paid, { timeout: 60_000 })
      .toBe(before.Paid + 1);
    const after = await funnel(admin.page);
    expect(after).toEqual({
      // Three metered reads, the walled one, and the same article whole after paying.
      Views: before.Views + 5,
      'Walled views': before['Walled views'] + 1,
      // A support prompt under each metered article, the wall's prompt on the walled one
      // (a subscriber's page is not counted as a prompt).
      'Prompts shown': before['Prompts shown'] + 4,
      'Checkouts started': before['Checkouts started'] + 1,
      Paid: before.Paid + 1,
    });
    expect(await seen(admin.page.locator('h1'))).toMatch(/reader revenue/i);

    await expectAccessible(admin.page, 'the dashboard');
    await admin.page.waitForFunction('document.fonts.status === "loaded"');
    // The funnel and the month day by day: what a publisher looks at first.
    const box = (question: string) =>
      admin.page.locator(`section[aria-labelledby="${question}"]`).evaluate((el) => {
        const rect = el.getBoundingClientRect();
        const scrollY = el.ownerDocument.defaultView?.scrollY ?? 0;
        return { top: rect.top + scrollY, bottom: rect.bottom + scrollY };
      });
    const top = (await box('q-paid')).top - 16;
    const bottom = (await box('q-series')).bottom + 16;
    const path = resolve(SHOTS, 'dashboard.png');
    await admin.page.screenshot({
      path,
      fullPage: true,
      clip: { x: 0, y: Math.max(0, top), width: DESKTOP.width, height: Math.ceil(bottom - top) },
    });
    const { size } = await stat(path);
    expect(size).toBeGreaterThan(2_000);
    expect(size).toBeLessThan(400_000);
  });
});
