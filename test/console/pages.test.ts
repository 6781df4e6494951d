import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiClient } from '../helpers/stack.ts';
import { seriousViolations, startConsole, type ConsoleUnderTest } from './browser.ts';

/** With CONSOLE_SCREENSHOTS=1 the suite writes the pictures of docs/console.md; otherwise it leaves them alone. */
const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/console/', import.meta.url)) : null;

async function check(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${name} (${page.url()})`).toEqual([]);
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
  }
}

/**
 * Every console page passes axe-core with no serious or critical violation, in Ukrainian and in
 * English; an engineer goes from the inbox to a task and completes it by keyboard alone.
 */
describe('console pages: accessibility and keyboard', () => {
  let c: ConsoleUnderTest;
  let engagementId: string;
  let taskId: string;

  beforeAll(async () => {
    c = await startConsole();
    const launched = await apiClient(c.stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'Резервне копіювання' },
    });
    expect(launched.status).toBe(201);
    engagementId = launched.body.id as string;
    const engineerApi = apiClient(c.stack, 'andrii.eng1');
    // The workflow opens the task within moments of the launch.
    for (let i = 0; i < 100 && !taskId; i++) {
      taskId = (await engineerApi('GET', '/v1/tasks')).body.items[0]?.id as string;
      if (!taskId) await new Promise((r) => setTimeout(r, 200));
    }
    expect(taskId).toBeDefined();
    await apiClient(c.stack, null)('POST', '/v1/requests', {
      customer: { name: 'КП «Тепломережа»' },
      contact: { name: 'Оксана', phone: '+380 44 123 45 67' },
      text: 'Потрібна консультація щодо резервного копіювання.',
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('when a page has an image without text, then the check finds it (the check can fail)', async () => {
    const page = await (await c.newContext()).newPage();
    await page.setContent('<!doctype html><html lang="uk"><title>t</title><main><img src="x.png"></main></html>');
    expect((await seriousViolations(page)).map((v) => v.id)).toContain('image-alt');
  });

  it('when the pages without sign-in are checked, then axe finds nothing serious', async () => {
    const page = await (await c.newContext()).newPage();
    await page.goto('/console/sign-in');
    await check(page, 'sign-in');
    await page.goto('/console/request');
    await check(page, 'public-request');
    await page.getByRole('button', { name: 'Надіслати' }).click();
    await check(page, 'public-request-errors');
    await page.goto('/console/no-such-page');
    await check(page, 'not-found');
  });

  it("when a PM's pages are checked, then axe finds nothing serious", async () => {
    const pm = await c.signIn('olena.pm');
    await check(pm, 'dashboard');
    await pm.goto('/console/launch?definitionId=training&customerId=kp-teplomerezha');
    await check(pm, 'launch');
    await pm.getByLabel('site').fill('Київ, вул. Хрещатик, 1');
    await pm.getByLabel('days').fill('1');
    await pm.getByRole('button', { name: 'Перевірити право і кошторис' }).click();
    await check(pm, 'launch-confirm');
    await pm.goto('/console/engagements');
    await check(pm, 'engagements');
    await pm.goto(`/console/engagements/${engagementId}`);
    await check(pm, 'engagement');
    await pm.goto('/console/requests');
    await check(pm, 'requests');
    await pm.goto('/console/lang/en?back=/console/dashboard');
    expect(await pm.getByRole('heading', { level: 1 }).innerText()).toBe('Dashboard');
    await check(pm, 'dashboard-en');
  });

  it("when an engineer's pages are checked, then axe finds nothing serious, invalid fields included", async () => {
    const engineer = await c.signIn('andrii.eng1');
    await check(engineer, 'inbox');
    await engineer.goto(`/console/tasks/${encodeURIComponent(taskId)}`);
    await check(engineer, 'task');
    await engineer.getByRole('button', { name: 'Завершити задачу' }).click();
    await engineer.locator('#form-errors').waitFor();
    await check(engineer, 'task-errors');
  });

  it('when an engineer uses only the keyboard, then they go from the inbox to the task and complete it', async () => {
    const engineer = await c.signIn('andrii.eng1');
    // Evaluated in the page: the tag, id and text of the focused element.
    const focused = () =>
      engineer.evaluate(
        "(() => { const el = document.activeElement; return `${el?.tagName ?? ''}|${el?.id ?? ''}|${el?.textContent?.trim() ?? ''}`; })()",
      ) as Promise<string>;
    // Tab from the top of the page to the task's link, then Enter.
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await engineer.keyboard.press('Tab');
      found = (await focused()).startsWith('A||Answer the question');
    }
    expect(found).toBe(true);
    await engineer.keyboard.press('Enter');
    await engineer.waitForURL(/\/console\/tasks\//);
    for (let i = 0; i < 40 && !(await focused()).startsWith('INPUT|f-result-answer'); i++)
      await engineer.keyboard.press('Tab');
    await engineer.keyboard.type('Щоночі pg_dump');
    await engineer.keyboard.press('Tab');
    expect(await focused()).toMatch(/^INPUT\|hoursSpent/);
    await engineer.keyboard.type('0,5');
    await engineer.keyboard.press('Enter');
    await engineer.waitForURL(/completed=1/);
    expect(await engineer.getByRole('status').innerText()).toBe('Задачу виконано.');
    await check(engineer, 'task-completed');
  });
});
