/**
 * X-TRAIN end to end over HTTP with the real worker: a PM launches an on-site training, every human
 * step is completed by the user who would do it, three days are delivered with one attendee missing
 * too much, and the engagement completes with its certificates, feedback, trainer's report and act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

const ATTENDEES = ['Олена Коваль', 'Петро Іваненко', 'Ірина Мельник', 'Тарас Бондар'];

/** Three days, 16 h delivered: Коваль 16 h, Іваненко 15 h, Мельник 12.8 h (exactly 80 %), Бондар 2 h. */
const DAYS = [
  {
    hoursDelivered: 6,
    travelHours: 3,
    attendance: [
      { name: 'Олена Коваль', hours: 6 },
      { name: 'Петро Іваненко', hours: 6 },
      { name: 'Ірина Мельник', hours: 6 },
      { name: 'Тарас Бондар', hours: 2 },
    ],
  },
  {
    hoursDelivered: 6,
    attendance: [
      { name: 'Олена Коваль', hours: 6 },
      { name: 'Петро Іваненко', hours: 5 },
      { name: 'Ірина Мельник', hours: 6 },
    ],
  },
  {
    hoursDelivered: 4,
    travelHours: 3,
    attendance: [
      { name: 'Олена Коваль', hours: 4 },
      { name: 'Петро Іваненко', hours: 4 },
      { name: 'Ірина Мельник', hours: 0.8 },
    ],
  },
];

describe('an on-site training, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when every step is done by its people, then it completes with certificates for those at 80 %, separate training and travel hours, and its documents', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'training',
      customerId: 'kp-teplomerezha',
      projectId: 'teplomerezha-main',
      params: { site: 'Харків, вул. Шевченка 1, ауд. 204', days: 3, roles: ['data-editor'] },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    expect(launched.body.entitlement).toMatchObject({ outcome: 'allowed' });
    const id = launched.body.id as string;
    const done = async (user: string, stepId: string, body: Record<string, unknown>, except: string[] = []) => {
      const task = await openTask(stack, id, stepId, except);
      const response = await complete(stack, user, task.id, { hoursSpent: 1, ...body });
      expect(response.status, `${stepId} by ${user}: ${JSON.stringify(response.body)}`).toBe(200);
      return task.id;
    };

    await done('andrii.eng1', 'survey', { result: { attendees: ATTENDEES, level: 'beginner', assessment: false } });
    // Two weeks ago: the reminder 5 working days before has passed and goes out at once, and every
    // day of the course has begun, so its attendance may be recorded (a day's task has a not-before time).
    const startsAt = new Date(Date.now() - 14 * 24 * 3600 * 1000).toISOString();
    const sessions = [
      { day: 1, modules: ['Editing the heat network'], hours: 6 },
      { day: 2, modules: ['Passports and dictionaries'], hours: 6 },
      { day: 3, modules: ['Hydraulic calculation'], hours: 4 },
    ];
    await done('andrii.eng1', 'programme', { result: { sessions, startsAt, trainer: 'Андрій Шевченко' } });
    await done('iryna.lead', 'head-approval', { decision: 'approve' });
    await done('olena.pm', 'customer-approval', { decision: 'approve' });
    await done('olena.pm', 'trip', { result: {} });
    await done('olena.pm', 'room', { result: { ready: true } });
    const daysDone: string[] = [];
    const firstDay = await openTask(stack, id, 'deliver-day');
    const firstDayView = (await apiClient(stack, 'andrii.eng1')('GET', `/v1/tasks/${encodeURIComponent(firstDay.id)}`))
      .body;
    expect(firstDayView).toMatchObject({ title: 'Training day 1', notBefore: startsAt });
    for (const day of DAYS) {
      daysDone.push(
        await done('andrii.eng1', 'deliver-day', { result: day, hoursSpent: day.hoursDelivered }, daysDone),
      );
    }
    await done('olena.pm', 'feedback-answers', {
      result: {
        responses: [
          { attendee: 'Олена Коваль', overall: 5, modules: { 'Hydraulic calculation': 5 }, comment: 'Дуже корисно' },
          { attendee: 'Петро Іваненко', overall: 4, modules: { 'Hydraulic calculation': 4 } },
        ],
      },
    });
    await done('andrii.eng1', 'trainer-report', {
      result: { report: 'Група підготовлена добре; Бондар був відсутній.' },
    });

    const detail = await settled(stack, id);
    expect(detail.status, JSON.stringify(detail.failure)).toBe('COMPLETED');
    expect(stepTrail(detail)).toContain('certificates:completed');
    // The act lines from task results: a replay fixture, so later interpreter changes keep this path.
    await recordHistory(stack, id, 'training-billing-lines');

    // Ledger: preparation at its norm, each day's hours delivered and travel as entries of their own.
    const { rows: entries } = await stack.pool.query<{
      step_id: string;
      line: string;
      category: string;
      norm_hours: number;
      idempotency_key: string;
    }>(
      'SELECT step_id, line, category, norm_hours, idempotency_key FROM billing_entries WHERE engagement_id = $1 ORDER BY id',
      [id],
    );
    const byLine = (line: string) => entries.filter((e) => e.line === line);
    expect(byLine('training-hours').map((e) => e.norm_hours)).toEqual([6, 6, 4]);
    expect(byLine('travel').map((e) => e.norm_hours)).toEqual([3, 3]);
    expect(byLine('preparation').map((e) => [e.step_id, e.norm_hours])).toEqual([
      ['survey', 2],
      ['programme', 6],
    ]);
    expect(entries.every((e) => e.category === 'ENG_I' && e.line !== null)).toBe(true);
    expect(new Set(entries.map((e) => e.idempotency_key)).size).toBe(entries.length);

    const { rows: lines } = await stack.pool.query<{ line: string; category: string; norm_hours: number }>(
      `SELECT l.line, l.category, l.norm_hours FROM act_lines l JOIN acts a ON a.id = l.act_id
       WHERE a.engagement_id = $1 ORDER BY l.line_no`,
      [id],
    );
    expect(lines).toEqual([
      { line: 'training-hours', category: 'ENG_I', norm_hours: 16 },
      { line: 'preparation', category: 'ENG_I', norm_hours: 8 },
      { line: 'travel', category: 'ENG_I', norm_hours: 6 },
    ]);
    // Finance sees the same lines, named, over HTTP.
    const acts = await apiClient(stack, 'maria.finance')('GET', `/v1/billing/acts/${id}`);
    expect(acts.status).toBe(200);
    const actLines = (acts.body.items as { lines: { line: string | null; normHours: number }[] }[]).flatMap(
      (act) => act.lines,
    );
    expect(actLines.map((l) => [l.line, l.normHours])).toEqual([
      ['training-hours', 16],
      ['preparation', 8],
      ['travel', 6],
    ]);

    const { rows: certificates } = await stack.pool.query<{ number: string; attendee: string; hours: number }>(
      'SELECT number, attendee, hours FROM certificates WHERE engagement_id = $1 ORDER BY seq',
      [id],
    );
    expect(certificates.map((c) => [c.attendee, c.hours]).sort()).toEqual(
      [
        ['Ірина Мельник', 12.8],
        ['Олена Коваль', 16],
        ['Петро Іваненко', 15],
      ].sort(),
    );

    const listed = await pm('GET', `/v1/engagements/${id}/artifacts`);
    expect(listed.status).toBe(200);
    const artifacts = listed.body.items as {
      id: number;
      name: string;
      mediaType: string;
      links: { download: string };
    }[];
    expect(artifacts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'checklist.md',
        ...certificates.map((c) => `certificate-${c.number}.pdf`),
        'feedback-form.md',
        'feedback-summary.json',
        'trainer-report.md',
        'trainer-report.json',
      ]),
    );
    expect(artifacts.filter((a) => a.name.startsWith('certificate-'))).toHaveLength(3);

    const report = artifacts.find((a) => a.name === 'trainer-report.md')!;
    const downloaded = await pm('GET', report.links.download);
    expect(downloaded.status).toBe(200);
    const { text } = downloaded;
    expect(text).toContain('- Hours delivered: 16');
    expect(text).toContain('- Travel hours: 6');
    expect(text).toContain('not issued: Тарас Бондар — present 2 h of 16 h (12.5 %), below the 80 % required');
    expect(text).toContain('Overall rating: 4.5 of 5');
    expect(text).toContain('Бондар був відсутній');
    const certificate = await pm('GET', artifacts.find((a) => a.name.startsWith('certificate-'))!.links.download);
    expect(certificate.contentType).toBe('application/pdf');
    expect(certificate.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
