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
    const text = await pm.locator('main').innerText();
    console.log(text);
    expect(text).toMatch(/Рішення/);
    expect(text).toMatch(/грн/);
    await pm.getByRole('button', { name: 'Підтвердити і запустити' }).click();
    await expect.poll(() => pm.url()).toMatch(/\/console\/engagements\/[0-9a-f-]{36}$/);
    engagementUrl = pm.url();
    console.log(await pm.locator('main').innerText());
  });
});
