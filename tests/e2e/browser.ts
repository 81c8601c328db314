/// <reference types="node" />

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';
import { expect, inject } from 'vitest';
import { type DemoArticle, findArticle } from '../../tools/demo-origin/articles';
import { escapeHtml, jsonForScript } from '../../tools/demo-origin/html';

/**
 * Chromium from Debian (never `playwright install`), one browser per journey file and one
 * context per reader. playwright's `launch` gives every browser its own fresh temporary
 * user-data dir and removes it on close.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Generous: the machine is shared and two cores run a browser, workerd and the emulators. */
export const STEP_TIMEOUT_MS = 30_000;

export const stack = () => inject('e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A new reader: its own cookies, nothing shared with any other context. */
export async function newReader(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: stack().url, ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  return { context, page };
}

/** The article links on the demo site's front page (through the worker), in page order. */
export async function indexArticles(page: Page): Promise<DemoArticle[]> {
  await page.goto('/');
  const hrefs = await page
    .locator('.article-list a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((href) => {
    const article = findArticle(href);
    if (!article) throw new Error(`the front page links to ${href}, which is no demo article`);
    return article;
  });
}

/** Opens an article and returns the raw bytes of its HTML response, as they arrived. */
export async function open(page: Page, article: DemoArticle): Promise<{ html: string }> {
  const response = await page.goto(article.path);
  return { html: await bodyOf(response, article) };
}

/** Clicks the article's link on the front page, as a reader would. */
export async function openFromIndex(page: Page, article: DemoArticle): Promise<{ html: string }> {
  await page.goto('/');
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === article.path),
    page.locator(`.article-list a[href="${article.path}"]`).click(),
  ]);
  await page.waitForURL((url) => url.pathname === article.path);
  return { html: await bodyOf(response, article) };
}

async function bodyOf(response: Response | null, article: DemoArticle): Promise<string> {
  if (!response) throw new Error(`no response for ${article.path}`);
  expect(response.status(), `status of ${article.path}`).toBe(200);
  return (await response.body()).toString('utf8');
}

/** What a reader sees: the rendered text (innerText), not the DOM's textContent. */
export function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator; rendered text is the point
  return locator.innerText();
}

export const wallPrompt = (page: Page) => page.locator('#paywall-prompt[data-pw-variant="wall"]');
export const supportPrompt = (page: Page) =>
  page.locator('#paywall-prompt[data-pw-variant="support"]');
export const noticeText = (page: Page) => page.locator('.pw-notice #pw-nt');

/**
 * Every way the paragraph could reach the browser: as text, HTML-escaped (as the origin and as
 * Chromium's serialiser write it), JSON-escaped (the JSON-LD `articleBody` and the hydration
 * data), and each of those for its middle third alone (a partial leak).
 */
export function leakForms(paragraph: string): string[] {
  const third = Math.floor(paragraph.length / 3);
  const middle = paragraph.slice(third, 2 * third);
  const forms = [paragraph, middle].flatMap((text) => [
    text,
    escapeHtml(text),
    // How Chromium serialises a text node (page.content()): only &, <, > and U+00A0.
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\u00a0/g, '&nbsp;'),
    JSON.stringify(text).slice(1, -1),
    jsonForScript(text).slice(1, -1),
  ]);
  return [...new Set(forms)];
}

/** The walled paragraph (the 3rd) is nowhere: not in the bytes, the DOM or the visible text. */
export async function expectWalled(page: Page, article: DemoArticle, html: string) {
  await expect.poll(() => wallPrompt(page).count()).toBe(1);
  const walled = article.paragraphs[2] ?? '';
  expect(walled.length).toBeGreaterThan(40);
  const dom = await page.content();
  const text = await seen(page.locator('body'));
  for (const form of leakForms(walled)) {
    expect(html.includes(form), `raw response of ${article.path} leaks: ${form}`).toBe(false);
    expect(dom.includes(form), `DOM of ${article.path} leaks: ${form}`).toBe(false);
    expect(text.includes(form), `text of ${article.path} leaks: ${form}`).toBe(false);
  }
  // The lead paragraphs are still there, above the prompt.
  expect(text).toContain(article.paragraphs[0]);
  expect(text).toContain(article.paragraphs[1]);
  expect(await supportPrompt(page).count()).toBe(0);
}

/** The whole article: every paragraph visible, no wall. */
export async function expectWhole(page: Page, article: DemoArticle) {
  await expect.poll(() => wallPrompt(page).count()).toBe(0);
  const body = page.locator('.article-body');
  for (const paragraph of article.paragraphs) {
    expect(await seen(body), `${article.path} misses a paragraph`).toContain(paragraph);
  }
  const third = page.locator('.article-body p').nth(2);
  expect(await third.isVisible()).toBe(true);
  expect(await seen(third)).toBe(article.paragraphs[2]);
}

export interface EntitlementClaims {
  iat: number;
  exp: number;
  jti: string;
  ent: { kind: string; status: string };
}

/** The entitlement JWT's claims, from the browser's cookie jar (HttpOnly cookies included). */
export async function entitlement(context: BrowserContext): Promise<EntitlementClaims | null> {
  const cookie = (await context.cookies()).find((c) => c.name === '__Host-paywall_ent');
  if (!cookie) return null;
  const payload = cookie.value.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

// ---------------------------------------------------------------------------------------------
// Accessibility and the development outbox (tests/e2e/identity.e2e.ts).

/** The widths every page is checked at: a small phone and a desktop. */
export const AXE_WIDTHS: readonly number[] = [320, 1280];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

let axeSource: string | undefined;

/**
 * axe-core's default rules on the page as it is now. The source is evaluated through the
 * DevTools protocol, not added as a `<script>`: our own pages forbid inline scripts
 * (`default-src 'none'`), and the check must not loosen the policy it runs under.
 */
export async function axeCheck(
  page: Page,
): Promise<{ violations: AxeViolation[]; passes: number }> {
  axeSource ??= readFileSync(
    resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'),
    'utf8',
  );
  if ((await page.evaluate('typeof globalThis.axe')) === 'undefined') {
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    type Result = { violations: AxeViolation[]; passes: unknown[] };
    const axe = (globalThis as unknown as { axe: { run(): Promise<Result> } }).axe;
    const result = await axe.run();
    // Only what the assertion and its message need: the full result does not serialise.
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
      passes: result.passes.length,
    };
  });
}

export function describeAxeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} ${v.helpUrl}\n` +
        v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n'),
    )
    .join('\n');
}

/**
 * No axe-core violations on the page at each width (the page is resized in place, then put back
 * to its own size). `what` names the page in the failure message.
 */
export async function expectAccessible(
  page: Page,
  what: string,
  widths: readonly number[] = AXE_WIDTHS,
): Promise<void> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: original.height });
      const { violations, passes } = await axeCheck(page);
      const message = `${what} at ${width} px:\n${describeAxeViolations(violations)}`;
      expect(violations, message).toEqual([]);
      expect(passes, `${what} at ${width} px: axe-core checked too little`).toBeGreaterThan(5);
    }
  } finally {
    await page.setViewportSize(original);
  }
}

/** The dev outbox page of the context's worker (ENVIRONMENT=development only). */
export const DEV_OUTBOX_PATH = '/_paywall/dev/outbox';

/**
 * The sign-in code in the newest message to `address`, read from the dev outbox page as a
 * person would, in another page of the same browser context (closed afterwards). Reloads until
 * the message is listed.
 */
export async function codeFromOutbox(context: BrowserContext, address: string): Promise<string> {
  const page = await context.newPage();
  try {
    await page.goto(DEV_OUTBOX_PATH);
    return await codeOnOutboxPage(page, address);
  } finally {
    await page.close();
  }
}

/** On an open dev outbox page: the code in the newest message to `address`. */
export async function codeOnOutboxPage(page: Page, address: string): Promise<string> {
  // The outbox lists the address as the worker normalised it (trimmed, lower case).
  const to = new RegExp(`· to ${escapeRegExp(address.trim().toLowerCase())}$`);
  const message = page.locator('article').filter({ has: page.locator('.meta', { hasText: to }) });
  await expect
    .poll(
      async () => {
        if ((await message.count()) > 0) return true;
        await page.reload();
        return (await message.count()) > 0;
      },
      { message: 'a message to the address in the dev outbox' },
    )
    .toBe(true);
  // Newest first: the first message to the address is the latest code.
  const text = await seen(message.first().locator('pre').first());
  const code = /^\s*(\d{6})\s*$/m.exec(text)?.[1];
  if (!code) throw new Error('the newest message to the address carries no 6-digit code');
  return code;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
