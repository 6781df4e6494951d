/**
 * The console under test: the real stack (test/helpers/stack.ts — real API, worker, Temporal dev
 * server and PostgreSQL), demo users with known console passwords, and Debian's Chromium driven by
 * playwright-core, headless, with a fresh profile per run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { upsertPassword } from '../../db/queries/passwords.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import type { RateLimits } from '../../api/gate.ts';

/** Debian's Chromium, or the one CHROMIUM names (scripts/system-tools.ts installs it for npm test). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** The password every demo user gets in the browser suites. */
export const PASSWORD = 'console-test-password';

export interface ConsoleUnderTest {
  stack: TestStack;
  browser: Browser;
  /** A new browser context (its own cookies), signed in as the user, on the page they land on. */
  signIn(user: string): Promise<Page>;
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startConsole(options: { rateLimits?: Partial<RateLimits> } = {}): Promise<ConsoleUnderTest> {
  const stack = await startTestStack({ rateLimits: options.rateLimits });
  const hash = await hashPassword(PASSWORD);
  for (const user of [
    'admin',
    'olena.pm',
    'iryna.lead',
    'bohdan.lead',
    'andrii.eng1',
    'taras.eng2',
    'oksana.tech',
    'maria.finance',
  ]) {
    await upsertPassword(stack.pool, user, hash);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // playwright gives every launch a fresh, temporary user-data-dir of its own.
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const context = await browser.newContext({ baseURL: stack.url, locale: 'uk-UA', timezoneId: 'Europe/Kyiv' });
    contexts.push(context);
    return context;
  };
  return {
    stack,
    browser,
    newContext,
    async signIn(user) {
      const page = await (await newContext()).newPage();
      await page.goto('/console/sign-in');
      await page.getByLabel('Імʼя користувача').fill(user);
      await page.getByLabel('Пароль').fill(PASSWORD);
      await page.getByRole('button', { name: 'Увійти' }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await stack.close();
    },
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Runs axe-core (from node_modules) in the page; returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the debugging protocol, which the page's CSP (no inline script) does not govern.
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
