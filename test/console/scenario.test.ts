import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startConsole, type ConsoleUnderTest } from './browser.ts';

/**
 * The console's Done-when scenario in a real browser against the real stack: a PM launches a
 * training engagement through the form and sees the entitlement and estimate before confirming;
 * an engineer in another browser finds the task, is refused an invalid result at its field, then
 * completes it; the PM's page shows the step done without a reload.
 */
describe('console: launch, inbox, task, live progress', () => {
  let c: ConsoleUnderTest;
  let pm: Page;
  let engagementUrl: string;

  beforeAll(async () => {
    c = await startConsole();
    pm = await c.signIn('olena.pm');
  });
  afterAll(async () => {
    await c?.close();
  });

  it('when a PM launches a training through the form, then entitlement and estimate are shown before it starts', async () => {
    expect(pm.url()).toContain('/console/dashboard');
    await pm.getByRole('link', { name: 'Запустити послугу' }).first().click();
    await pm.getByLabel('Послуга').selectOption('training');
    await pm.getByLabel('Замовник').selectOption('kp-teplomerezha');
    await pm.getByRole('button', { name: 'Далі' }).click();
    await pm.getByLabel('site').fill('Харків, вул. Шевченка, 1');
    await pm.getByLabel('days').fill('2');
    await pm.getByRole('button', { name: 'Перевірити право і кошторис' }).click();
    await expect.poll(() => pm.getByRole('heading', { name: 'Право на послугу' }).count()).toBe(1);
    const entitlement = await pm.locator('section.entitlement').innerText();
    expect(entitlement).toContain('дозволено');
    expect(entitlement).toContain('договір поставки/впровадження');
    expect(entitlement).toMatch(/Пояснення\s+Allowed under supply\/implementation contract/);
    // The estimate: norm-hours by category, and money as `1 234,56 грн` with and without VAT.
    const estimate = await pm.getByRole('table').innerText();
    expect(estimate).toMatch(/ENG_I\s+20,00/);
    expect(estimate).toContain('19\u00a0000,00\u00a0грн');
    expect(estimate).toContain('22\u00a0800,00\u00a0грн');
    await pm.getByRole('button', { name: 'Підтвердити і запустити' }).click();
    await expect.poll(() => pm.url()).toMatch(/\/console\/engagements\/[0-9a-f-]{36}$/);
    engagementUrl = pm.url();
    await expect.poll(() => pm.locator('li[data-step="survey"]').innerText()).toBe('survey: поточний');
  });

  it('when an engineer sends an invalid result, then the errors are at their fields and nothing is recorded; a valid one completes the task, and the PM sees it without a reload', async () => {
    const engineer = await c.signIn('andrii.eng1');
    expect(engineer.url()).toContain('/console/inbox');
    const row = engineer.getByRole('row').filter({ hasText: 'Needs survey' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('link', { name: 'Needs survey' }).click();
    const taskUrl = engineer.url();
    const taskId = decodeURIComponent(taskUrl.split('/console/tasks/')[1]!);

    // Invalid: no attendees, no level.
    await engineer.getByLabel('Витрачено годин').fill('1,5');
    await engineer.getByRole('button', { name: 'Завершити задачу' }).click();
    await expect.poll(() => engineer.locator('#form-errors').count()).toBe(1);
    expect(await engineer.locator('#f-result-attendees-error').innerText()).toContain(
      'missing required field "attendees"',
    );
    expect(await engineer.locator('#f-result-level-error').innerText()).toContain('missing required field "level"');
    expect(await engineer.getByLabel('level').getAttribute('aria-invalid')).toBe('true');
    // What was typed is kept.
    expect(await engineer.getByLabel('Витрачено годин').inputValue()).toBe('1,5');
    const { rows: still } = await c.stack.pool.query('SELECT status FROM tasks WHERE id = $1', [taskId]);
    expect(still[0].status).toBe('open');

    await engineer.getByLabel('attendees').fill('Іван Петренко\nОксана Коваль');
    await engineer.getByLabel('level').selectOption('beginner');
    await engineer.getByLabel('assessment').check();
    await engineer.getByRole('button', { name: 'Завершити задачу' }).click();
    await expect.poll(() => engineer.getByRole('status').innerText()).toBe('Задачу виконано.');
    const { rows: done } = await c.stack.pool.query('SELECT status, result, hours_spent FROM tasks WHERE id = $1', [
      taskId,
    ]);
    expect(done[0]).toMatchObject({
      status: 'completed',
      result: { attendees: ['Іван Петренко', 'Оксана Коваль'], level: 'beginner', assessment: true },
    });
    expect(Number(done[0].hours_spent)).toBe(1.5);

    // The PM's page, opened before, was never reloaded: the progress fragment polls.
    const navigations: string[] = [];
    pm.on('framenavigated', (frame) => navigations.push(frame.url()));
    await expect
      .poll(() => pm.locator('li[data-step="survey"]').innerText(), { timeout: 20_000 })
      .toBe('survey: виконано');
    expect(await pm.locator('g.node[data-step="survey"]').getAttribute('class')).toContain('step-done');
    expect(navigations).toEqual([]);
    expect(pm.url()).toBe(engagementUrl);
  });
});
