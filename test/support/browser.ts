import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium, installed by `.ci/run`; the browser tests skip only where it is absent. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** A suite's title. Without Chromium, the title says how to run the suite, and so does a line on stderr. */
export function needsChromium(title: string): string {
  if (hasChromium) return title;
  const note = `skipped: needs ${CHROMIUM} (Debian: apt-get install chromium)`;
  console.warn(`"${title}" ${note}`);
  return `${title} [${note}]`;
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Requests that left the server under test (there must be none). */
  foreignRequests: string[];
  /** Console errors, CSP violations included. */
  consoleErrors: string[];
}

/** A fresh browser profile signed in through the real form, as a person would. */
export async function signIn(browser: Browser, baseUrl: string, token: string, viewport = { width: 1280, height: 800 }): Promise<SignedIn> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(baseUrl)) foreignRequests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/`);
  return { context, page, foreignRequests, consoleErrors };
}

/** Waits until the page's live-update stream is connected, so no event can be missed. */
export const liveReady = (page: Page) => page.waitForSelector('body[data-live-ready="true"]', { state: 'attached' });
