/// <reference types="node" />
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DemoArticle } from '../../tools/demo-origin/articles';
import {
  expectWalled,
  indexArticles,
  launchBrowser,
  newReader,
  noticeText,
  open,
  seen,
  wallPrompt,
} from './browser';

// The wall as a reader sees it: an axe-core check of the walled page, and the screenshots in
// the README (overwritten on every run, so they always show the current prompt).

const ROOT = resolve(import.meta.dirname, '../..');
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js');
const SHOTS = resolve(ROOT, 'docs/screenshots');

let browser: Browser;
let desktop: { context: BrowserContext; page: Page };
let articles: DemoArticle[];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchBrowser();
  desktop = await newReader(browser, { viewport: { width: 1280, height: 900 } });
  articles = await indexArticles(desktop.page);
});

afterAll(async () => {
  await desktop?.context.close();
  await browser?.close();
});

const article = (i: number): DemoArticle => {
  const found = articles[i];
  if (!found) throw new Error(`the front page has no article #${i + 1}`);
  return found;
};

interface AxeResult {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    helpUrl: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
  passes: unknown[];
}

async function axe(page: Page): Promise<AxeResult> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run;
    const result = await run();
    // Only what the assertion and its message need: the full result does not serialise.
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
      passes: result.passes.map(() => null),
    };
  });
}

function describeViolations(result: AxeResult): string {
  return result.violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} ${v.helpUrl}\n` +
        v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n'),
    )
    .join('\n');
}

test('the meter notice on a granted page (screenshot)', async () => {
  const { page } = desktop;
  await open(page, article(0));
  await expect.poll(() => seen(noticeText(page))).toBe('2 of 3 free articles left this month.');
  await page.screenshot({ path: resolve(SHOTS, 'notice.png') });
});

test('the walled page has no axe-core violations', async () => {
  const { page } = desktop;
  await open(page, article(1));
  await open(page, article(2));
  const walled = article(3);
  const { html } = await open(page, walled);
  await expectWalled(page, walled, html);

  const result = await axe(page);
  if (result.violations.length > 0) console.error(describeViolations(result));
  expect(result.violations, describeViolations(result)).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(10);
});

test('the wall at desktop and mobile widths (screenshots)', async () => {
  const walled = article(3);
  // Desktop: the reader of the previous test, walled on the same article.
  const { page } = desktop;
  if (new URL(page.url()).pathname !== walled.path) await open(page, walled);
  await expect.poll(() => wallPrompt(page).count()).toBe(1);
  await shootPrompt(page, resolve(SHOTS, 'wall-desktop.png'));

  // Mobile: the same reader (same cookies) on a phone-sized screen.
  const mobile = await browser.newContext({
    baseURL: new URL(page.url()).origin,
    storageState: await desktop.context.storageState(),
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const phone = await mobile.newPage();
    const { html } = await open(phone, walled);
    await expectWalled(phone, walled, html);
    await shootPrompt(phone, resolve(SHOTS, 'wall-mobile.png'));
  } finally {
    await mobile.close();
  }
});

/**
 * The whole prompt, and above it the end of the lead paragraphs, where the article is cut. The
 * prompt is scrolled into view first, as a reader would reach it.
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
  const width = page.viewportSize()?.width ?? 1280;
  const above = 150;
  const top = Math.max(0, box.top - above);
  await page.screenshot({
    path,
    fullPage: true,
    clip: { x: 0, y: top, width, height: box.top - top + box.height + 24 },
  });
}
