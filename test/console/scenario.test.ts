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

  it('when the one who did the work approves it, then the four-eyes refusal is shown as the API explains it; another lead approves', async () => {
    const admin = await c.signIn('admin');
    await admin.goto(engagementUrl);
    await admin.getByRole('link', { name: 'Programme, schedule, site, prerequisites and trainer' }).click();
    await admin.getByLabel('day, рядок 1').fill('1');
    await admin.getByLabel('modules, рядок 1').fill('Мережі водопостачання\nРозрахунки');
    await admin.getByLabel('hours, рядок 1').fill('6');
    // A second day through "add a row": the rows typed so far are kept.
    await admin.getByRole('button', { name: 'Додати рядок' }).click();
    expect(await admin.getByLabel('day, рядок 1').inputValue()).toBe('1');
    await admin.getByLabel('day, рядок 2').fill('2');
    await admin.getByLabel('modules, рядок 2').fill('Звіти');
    await admin.getByLabel('startsAt').fill('2027-02-15T09:30');
    await admin.getByLabel('trainer').fill('Андрій Мельник');
    await admin.getByLabel('Витрачено годин').fill('4');
    await admin.getByRole('button', { name: 'Завершити задачу' }).click();
    await expect.poll(() => admin.getByRole('status').innerText()).toBe('Задачу виконано.');
    const { rows } = await c.stack.pool.query(
      "SELECT result FROM tasks WHERE engagement_id = $1 AND step_id = 'programme'",
      [engagementUrl.split('/').at(-1)],
    );
    expect(rows[0].result).toEqual({
      sessions: [
        { day: 1, modules: ['Мережі водопостачання', 'Розрахунки'], hours: 6 },
        { day: 2, modules: ['Звіти'] },
      ],
      // 09:30 on the Kyiv clock in February is 07:30 UTC.
      startsAt: '2027-02-15T07:30:00.000Z',
      trainer: 'Андрій Мельник',
    });

    await admin.goto(engagementUrl);
    const approval = admin.getByRole('link', { name: 'Head of service approves the programme' });
    await expect.poll(() => approval.count(), { timeout: 20_000 }).toBe(1);
    await approval.click();
    await admin.getByLabel('погодити').check();
    await admin.getByLabel('Витрачено годин').fill('0,5');
    await admin.getByRole('button', { name: 'Надіслати рішення' }).click();
    const refusal = await admin.locator('#problem').innerText();
    expect(refusal).toMatch(/four-eyes|чотирьох|Four-eyes/i);
    expect(refusal).toContain('It can be approved by');
    expect(refusal).toContain('iryna.lead');

    const lead = await c.signIn('iryna.lead');
    await lead.getByRole('link', { name: 'Head of service approves the programme' }).click();
    expect(await lead.locator('main').innerText()).toContain('Андрій Мельник');
    await lead.getByLabel('погодити').check();
    await lead.getByLabel('Витрачено годин').fill('0,5');
    await lead.getByLabel('Коментар').fill('Програма гарна');
    await lead.getByRole('button', { name: 'Надіслати рішення' }).click();
    await expect.poll(() => lead.getByRole('status').innerText()).toBe('Задачу виконано.');
    expect(await lead.locator('main').innerText()).toContain('iryna.lead');
  });

  it('when a PM uploads a file, then it is listed among the files; when they cancel with a reason, then the engagement ends cancelled', async () => {
    await pm.reload();
    await pm.locator('#upload-file').setInputFiles({
      name: 'відвідувачі.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('name\nІван Петренко\n'),
    });
    await pm.getByRole('button', { name: 'Завантажити' }).click();
    await expect
      .poll(() =>
        pm
          .locator('#artifacts')
          .innerText()
          .catch(() => ''),
      )
      .toContain('відвідувачі.csv');

    await pm.getByLabel('Причина скасування').fill('Замовник переніс навчання');
    await pm.getByRole('button', { name: 'Скасувати', exact: true }).click();
    await expect.poll(() => pm.getByRole('status').first().innerText()).toContain('Скасування надіслано');
    await expect.poll(() => pm.locator('#engagement-status').innerText(), { timeout: 20_000 }).toBe('скасовано');
    expect(await pm.locator('main').innerText()).toContain('Замовник переніс навчання');
  });

  it('when someone sends the public request form, then it is recorded with a reference; a filled honeypot records nothing', async () => {
    const visitor = await (await c.newContext()).newPage();
    await visitor.goto('/console/request');
    await visitor.getByLabel('Організація').fill('КП «Водоканал»');
    await visitor.getByLabel('Ваше імʼя').fill('Ольга Савченко');
    await visitor.getByLabel('Електронна пошта').fill('olha@example.com');
    await visitor.getByLabel('Що потрібно зробити').fill('Потрібен імпорт мережі з DXF у GIS.');
    await visitor.getByRole('button', { name: 'Надіслати' }).click();
    const received = await visitor.locator('#request-received').innerText();
    const reference = /R-[0-9A-Z]{8}/.exec(received)?.[0];
    expect(reference).toBeDefined();
    const { rows } = await c.stack.pool.query(
      'SELECT customer_name, contact_email FROM service_requests WHERE reference = $1',
      [reference],
    );
    expect(rows).toEqual([{ customer_name: 'КП «Водоканал»', contact_email: 'olha@example.com' }]);

    const { rows: before } = await c.stack.pool.query('SELECT count(*)::int AS n FROM service_requests');
    await visitor.goto('/console/request');
    await visitor.getByLabel('Організація').fill('Spam Inc');
    await visitor.getByLabel('Ваше імʼя').fill('Robot');
    await visitor.getByLabel('Електронна пошта').fill('bot@example.com');
    await visitor.getByLabel('Що потрібно зробити').fill('Buy cheap things now, now, now.');
    await visitor.locator('input[name=website]').fill('http://spam.example');
    await visitor.getByRole('button', { name: 'Надіслати' }).click();
    await visitor.locator('#request-received').waitFor();
    const { rows: after } = await c.stack.pool.query('SELECT count(*)::int AS n FROM service_requests');
    expect(after[0].n).toBe(before[0].n);
  });
});
