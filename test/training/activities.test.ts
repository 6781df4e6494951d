/**
 * The X-TRAIN activities against a real PostgreSQL database of this file's own, run in the Temporal
 * activity environment: the checklist reminder, certificates (the share at its edge, numbering across
 * engagements issuing at once, retries, the PDF), the feedback and the trainer's report.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../activities/billing.ts';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';
import { createTrainingActivities } from '../../activities/training/activities.ts';
import type { Pool } from '../../db/pool.ts';
import { selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { selectCertificatesOfEngagement } from '../../db/queries/certificates.ts';
import { selectBillingEntriesOfEngagement } from '../../db/queries/billing.ts';
import { insertTask, markTaskCompleted } from '../../db/queries/tasks.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { pdfTextRuns } from '../helpers/pdf-text.ts';
import { insertActivityEngagement, stepRef } from '../helpers/activity-environment.ts';

let pool: Pool;
let activities: ReturnType<typeof createTrainingActivities>;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  activities = createTrainingActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

async function newEngagement(): Promise<string> {
  const engagement = await insertActivityEngagement(pool, {
    definitionId: 'training',
    definitionVersion: 2,
    serviceCode: 'X-TRAIN',
    customerId: 'kp-teplomerezha',
    projectId: null,
    params: { site: 'Kharkiv, Shevchenka 1', days: 2 },
  });
  return engagement.id;
}

function ref(engagementId: string, stepId: string, iteration = '1'): EngagementRef {
  const engagement = { id: engagementId, customerId: 'kp-teplomerezha', projectId: null, launchedBy: 'olena.pm' };
  return stepRef(engagement, stepId, iteration);
}

function run<I, O>(activity: (arg: BusinessActivityInput<I>) => Promise<O>, arg: BusinessActivityInput<I>): Promise<O> {
  return new MockActivityEnvironment().run(activity, arg) as Promise<O>;
}

/** Records the delivery days as the trainer does: one completed `deliver-day` task per day. */
async function recordDays(
  engagementId: string,
  days: { attendance: { name: string; hours: number }[]; hoursDelivered: number; travelHours?: number }[],
) {
  for (const [index, day] of days.entries()) {
    const id = `${engagementId}:deliver-day:1-${index + 1}.1`;
    await insertTask(pool, {
      id,
      engagementId,
      stepId: 'deliver-day',
      iteration: `1-${index + 1}.1`,
      kind: 'task',
      title: `Training day ${index + 1}`,
      instructions: null,
      assignee: { category: 'ENG_I' },
      form: null,
      dueAt: null,
    });
    await markTaskCompleted(pool, {
      id,
      completedBy: 'andrii.eng1',
      completedAt: new Date().toISOString(),
      decision: null,
      result: day,
      hoursSpent: day.hoursDelivered,
      comment: null,
    });
  }
}

const programme = {
  startsAt: '2026-03-16T07:00:00Z',
  trainer: 'Андрій Шевченко',
  sessions: [
    { day: 1, modules: ['ТеплоГраф: editing the network'], hours: 6 },
    { day: 2, modules: ['Hydraulic calculation'], hours: 6 },
  ],
};

describe('training.sendChecklist', () => {
  it('when the reminder runs twice, then one checklist and one notification are stored, naming what to prepare', async () => {
    const engagementId = await newEngagement();
    const input = { site: 'Kharkiv, Shevchenka 1', ...programme, attendees: ['Олена Коваль', 'Петро Іваненко'] };
    const first = await run(activities['training.sendChecklist'], {
      input,
      engagement: ref(engagementId, 'checklist'),
    });
    const second = await run(activities['training.sendChecklist'], {
      input,
      engagement: ref(engagementId, 'checklist'),
    });
    expect(second).toEqual(first);
    const { rows } = await pool.query('SELECT recipient, body FROM notifications WHERE engagement_id = $1', [
      engagementId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].recipient).toBe('customer');
    const text = (await selectArtifactContent(pool, first.checklist.id))!.toString('utf8');
    expect(rows[0].body).toBe(text);
    for (const expected of [
      '2026-03-16 09:00',
      'Kharkiv, Shevchenka 1',
      'Day 2: Hydraulic calculation',
      'licences',
      'training copy',
      'account for each attendee',
      'Петро Іваненко',
    ]) {
      expect(text).toContain(expected);
    }
  });
});

describe('training.issueCertificates', () => {
  it('when attendees are at 80 % and at 79.9 % of the hours, then only the first gets a certificate', async () => {
    const engagementId = await newEngagement();
    // 10 h delivered: 8 h is exactly 80 %, 7.99 h is 79.9 %. 12 h: 9.6 h is 80 % (0.7999… in floating point).
    await recordDays(engagementId, [
      {
        attendance: [
          { name: 'Олена Коваль', hours: 6 },
          { name: 'Петро Іваненко', hours: 6 },
        ],
        hoursDelivered: 6,
        travelHours: 3,
      },
      {
        attendance: [
          { name: 'олена  коваль', hours: 2 },
          { name: 'Петро Іваненко', hours: 1.99 },
        ],
        hoursDelivered: 4,
        travelHours: 3,
      },
    ]);
    const output = await run(activities['training.issueCertificates'], {
      input: {
        minShareOfHours: 0.8,
        attendees: ['Олена Коваль', 'Петро Іваненко', 'Ірина Мельник'],
        programme,
        site: 'Kharkiv',
      },
      engagement: ref(engagementId, 'certificates'),
    });
    expect(output.hoursDelivered).toBe(10);
    expect(output.issued.map(({ attendee, hours, share }) => ({ attendee, hours, share }))).toEqual([
      { attendee: 'Олена Коваль', hours: 8, share: 0.8 },
    ]);
    expect(output.notIssued).toEqual([
      {
        attendee: 'Петро Іваненко',
        hours: 7.99,
        share: 0.799,
        reason: 'present 7.99 h of 10 h (79.9 %), below the 80 % required',
      },
      { attendee: 'Ірина Мельник', hours: 0, share: 0, reason: 'present 0 h of 10 h (0 %), below the 80 % required' },
    ]);

    const twelve = await run(activities['training.issueCertificates'], {
      input: {
        days: [
          {
            attendance: [
              { name: 'A', hours: 9.6 },
              { name: 'B', hours: 9.59 },
            ],
            hoursDelivered: 12,
          },
        ],
      },
      engagement: ref(await newEngagement(), 'certificates'),
    });
    expect(twelve.issued.map((c) => c.attendee)).toEqual(['A']);
    expect(twelve.notIssued.map((c) => c.attendee)).toEqual(['B']);
  });

  it('when the step is retried, then it issues nothing new and returns the same certificates and PDFs', async () => {
    const engagementId = await newEngagement();
    await recordDays(engagementId, [
      {
        attendance: [
          { name: 'Олена Коваль', hours: 6 },
          { name: 'Петро Іваненко', hours: 6 },
        ],
        hoursDelivered: 6,
      },
    ]);
    const input = { programme, site: 'Kharkiv' };
    const first = await run(activities['training.issueCertificates'], {
      input,
      engagement: ref(engagementId, 'certificates'),
    });
    const counter = await pool.query('SELECT last_number FROM certificate_counters');
    const second = await run(activities['training.issueCertificates'], {
      input,
      engagement: ref(engagementId, 'certificates'),
    });
    expect(second).toEqual(first);
    expect(first.issued).toHaveLength(2);
    expect((await pool.query('SELECT last_number FROM certificate_counters')).rows).toEqual(counter.rows);
    expect(await selectCertificatesOfEngagement(pool, engagementId)).toHaveLength(2);
    const pdfs = (await selectArtifactsOfEngagement(pool, engagementId)).filter(
      (a) => a.mediaType === 'application/pdf',
    );
    expect(pdfs.map((a) => a.name).sort()).toEqual(first.issued.map((c) => `certificate-${c.number}.pdf`).sort());
  });

  it('when a PDF is opened, then it is a PDF naming the number and the attendee in Ukrainian', async () => {
    const engagementId = await newEngagement();
    await recordDays(engagementId, [{ attendance: [{ name: 'Ірина Мельник-Гнатюк', hours: 6 }], hoursDelivered: 6 }]);
    const output = await run(activities['training.issueCertificates'], {
      input: { programme, site: 'Kharkiv' },
      engagement: ref(engagementId, 'certificates'),
    });
    const [certificate] = output.issued;
    expect(certificate!.number).toMatch(new RegExp(`^CC-${kyivDate(new Date()).slice(0, 4)}-\\d{4}$`));
    const pdf = (await selectArtifactContent(pool, certificate!.artifact.id))!;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    const runs = pdfTextRuns(pdf);
    expect(runs).toContain('Ірина Мельник-Гнатюк');
    expect(runs.some((text) => text.includes(certificate!.number))).toBe(true);
  });

  it('when two engagements issue at the same moment, then the numbers of the year are unique and gap-free', async () => {
    const people = (prefix: string) => Array.from({ length: 4 }, (_, i) => ({ name: `${prefix} ${i + 1}`, hours: 6 }));
    const engagements = [await newEngagement(), await newEngagement()];
    await recordDays(engagements[0]!, [{ attendance: people('Слухач'), hoursDelivered: 6 }]);
    await recordDays(engagements[1]!, [{ attendance: people('Учасник'), hoursDelivered: 6 }]);
    const outputs = await Promise.all(
      engagements.map((id) =>
        run(activities['training.issueCertificates'], { input: {}, engagement: ref(id, 'certificates') }),
      ),
    );
    expect(outputs.map((o) => o.issued.length)).toEqual([4, 4]);
    const { rows } = await pool.query<{ year: number; seq: number; number: string }>(
      'SELECT year, seq, number FROM certificates ORDER BY year, seq',
    );
    const year = Number(kyivDate(new Date()).slice(0, 4));
    expect(rows.every((row) => row.year === year)).toBe(true);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.map((row) => row.number)).size).toBe(rows.length);
    const mine = outputs.flatMap((o) => o.issued.map((c) => c.number));
    expect(rows.map((row) => row.number)).toEqual(expect.arrayContaining(mine));
  });

  it('when no day was recorded, then the step fails without retries, saying what to do', async () => {
    const failure = run(activities['training.issueCertificates'], {
      input: {},
      engagement: ref(await newEngagement(), 'certificates'),
    });
    await expect(failure).rejects.toMatchObject({ type: 'attendance-missing', nonRetryable: true });
  });
});

describe('feedback and the trainer report', () => {
  it('when answers are recorded, then the summary averages them and the report gathers the training', async () => {
    const engagementId = await newEngagement();
    await recordDays(engagementId, [
      {
        attendance: [
          { name: 'Олена Коваль', hours: 6 },
          { name: 'Петро Іваненко', hours: 2 },
        ],
        hoursDelivered: 6,
        travelHours: 4,
      },
      { attendance: [{ name: 'Олена Коваль', hours: 6 }], hoursDelivered: 6, travelHours: 4 },
    ]);
    const attendees = ['Олена Коваль', 'Петро Іваненко'];
    const form = await run(activities['training.collectFeedback'], {
      input: { attendees, sessions: programme.sessions },
      engagement: ref(engagementId, 'feedback'),
    });
    expect(form.attendees).toBe(2);
    const feedback = await run(activities['training.summarizeFeedback'], {
      input: {
        attendees,
        answers: {
          responses: [
            {
              attendee: 'Олена Коваль',
              overall: 5,
              modules: { 'Hydraulic calculation': 4 },
              comment: 'Більше практики',
            },
            { attendee: 'Петро Іваненко', overall: 4, modules: { 'Hydraulic calculation': 3 } },
          ],
        },
      },
      engagement: ref(engagementId, 'feedback-summary'),
    });
    expect(feedback.summary).toMatchObject({
      responses: 2,
      responseRate: 1,
      overall: 4.5,
      modules: [{ module: 'Hydraulic calculation', average: 3.5, ratings: 2 }],
      comments: [{ attendee: 'Олена Коваль', comment: 'Більше практики' }],
    });
    const certificates = await run(activities['training.issueCertificates'], {
      input: { attendees, programme },
      engagement: ref(engagementId, 'certificates'),
    });
    const built = await run(activities['training.buildReport'], {
      input: { programme, site: 'Kharkiv', attendees, certificates, feedback, text: 'Група сильна.' },
      engagement: ref(engagementId, 'report'),
    });
    const markdown = (await selectArtifactContent(pool, built.markdown.id))!.toString('utf8');
    expect(markdown).toContain('- Hours delivered: 12');
    expect(markdown).toContain('- Travel hours: 8');
    expect(markdown).toContain(`| Олена Коваль | 12 | 100 % | ${certificates.issued[0]!.number} |`);
    expect(markdown).toContain('not issued: Петро Іваненко — present 2 h of 12 h (16.7 %), below the 80 % required');
    expect(markdown).toContain('Overall rating: 4.5 of 5');
    expect(markdown).toContain('Група сильна.');
  });

  it('when a rating is out of range, then the summary fails without retries, naming it', async () => {
    const failure = run(activities['training.summarizeFeedback'], {
      input: { attendees: ['A'], answers: { responses: [{ attendee: 'A', overall: 7 }] } },
      engagement: ref(await newEngagement(), 'feedback-summary'),
    });
    await expect(failure).rejects.toMatchObject({ type: 'feedback-invalid', nonRetryable: true });
  });
});

describe('time entries of a training day', () => {
  const entitlement = {
    outcome: 'allowed' as const,
    basis: 'a' as const,
    contractId: 'si-teplomerezha',
    contractNumber: null,
    windowEnd: null,
    coverage: 'billed' as const,
    billable: true,
    reason: 'test',
    ruleVersion: 'test',
    decidedOn: kyivDate(new Date()),
  };
  const day = (engagementId: string, performedBy: string, iteration: string) => ({
    idempotencyKey: `${engagementId}:deliver-day:${iteration}`,
    engagementId,
    stepId: 'deliver-day',
    iteration,
    norm: { ENG_I: 6 },
    actualHours: 7,
    performedBy,
    entitlement,
    billing: { hours: { 'training-hours': 'hoursDelivered', travel: 'travelHours' } },
    result: { attendance: [], hoursDelivered: 5.5, travelHours: 3 },
  });

  it('when a day is recorded twice, then hours delivered and travel are one entry each, on the trainer’s category', async () => {
    const billing = createBillingActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
    const engagementId = await newEngagement();
    const first = await billing.recordBillableTime(day(engagementId, 'iryna.lead', '1-1.1'));
    const again = await billing.recordBillableTime(day(engagementId, 'iryna.lead', '1-1.1'));
    expect(again).toEqual(first);
    expect(first.norm).toEqual({ LEAD: 8.5 });
    // A performer without a category (a PM completing on someone's behalf): the norm's category.
    await billing.recordBillableTime({ ...day(engagementId, 'olena.pm', '1-2.1'), result: { hoursDelivered: 4 } });
    const entries = await selectBillingEntriesOfEngagement(pool, engagementId);
    expect(entries.map((e) => [e.iteration, e.line, e.category, e.norm_hours, e.actual_hours])).toEqual([
      ['1-1.1', 'training-hours', 'LEAD', 5.5, 7],
      ['1-1.1', 'travel', 'LEAD', 3, null],
      ['1-2.1', 'training-hours', 'ENG_I', 4, 7],
    ]);
    expect(entries.every((e) => e.billable && e.amount_kopecks > 0)).toBe(true);
  });
});
