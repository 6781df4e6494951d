/**
 * The X-TRAIN activities: the reminder with the checklist before the start, numbered certificates
 * for attendees present for enough of the hours, the feedback form and the summary of its answers,
 * and the trainer's report. Each stores what it produced as artifacts of its engagement step and
 * returns what an earlier attempt stored instead of doing the work again.
 */
import { Context } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import {
  insertCertificate,
  lockEngagementForCertificates,
  selectCertificatesOfEngagement,
  selectCompletedTaskResults,
  takeNextCertificateNumber,
  updateCertificateArtifact,
  type CertificateRow,
} from '../../db/queries/certificates.ts';
import { insertNotification } from '../../db/queries/notifications.ts';
import { kyivDate, parseIsoDate } from '../../lib/calendar.ts';
import { artifactRef, storeFile, storedFile, storedJson, storeJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { fail } from '../project-schemas.ts';
import { attendeeKey, dayRecord, summarizeAttendance, type DayRecord } from './attendance.ts';
import { renderCertificatePdf } from './certificate-pdf.ts';
import { renderChecklist, type ChecklistInput, type Session } from './checklist.ts';
import { renderFeedbackForm, renderFeedbackSummary, summarizeFeedback, type FeedbackSummary } from './feedback.ts';
import {
  programmeTitle,
  renderTrainerReport,
  type IssuedCertificate,
  type NotIssuedCertificate,
  type TrainerReport,
} from './report.ts';

/** The programme task's result, as the definition passes it on. */
interface Programme {
  sessions?: Session[];
  startsAt?: string;
  trainer?: string;
  title?: string;
}

export interface IssueCertificatesInput {
  /** The task step whose results are the day records (default `deliver-day`). */
  attendanceStep?: string;
  /** Share of the hours delivered an attendee needs (default 0.8). */
  minShareOfHours?: number;
  /** The attendees planned (the survey's list): those never recorded get a "not issued" line too. */
  attendees?: string[];
  /** Day records passed in instead of read from the engagement's tasks. */
  days?: unknown[];
  programme?: Programme;
  site?: string;
}

export interface IssueCertificatesOutput {
  hoursDelivered: number;
  minShareOfHours: number;
  issued: IssuedCertificate[];
  notIssued: NotIssuedCertificate[];
  warnings: string[];
}

export interface BuildReportInput extends Omit<IssueCertificatesInput, 'days'> {
  survey?: { level?: string; attendees?: string[] };
  roles?: string[];
  certificates?: Pick<IssueCertificatesOutput, 'issued' | 'notIssued'>;
  feedback?: { summary?: FeedbackSummary } | null;
  /** The trainer's own text (the `trainer-report` task). */
  text?: string;
}

const DEFAULT_ATTENDANCE_STEP = 'deliver-day';
const DEFAULT_MIN_SHARE = 0.8;

type DayWithDate = DayRecord & { recordedOn: string | null };

export function createTrainingActivities(deps: ActivityDeps) {
  const { pool } = deps;

  /** The day records: passed in, or the completed tasks of the attendance step, in the order taught. */
  const readDays = async (input: IssueCertificatesInput, engagement: EngagementRef): Promise<DayWithDate[]> => {
    if (input.days) return input.days.map((day, i) => ({ ...dayRecord(day, `day ${i + 1}`), recordedOn: null }));
    const step = input.attendanceStep ?? DEFAULT_ATTENDANCE_STEP;
    const tasks = await selectCompletedTaskResults(pool, engagement.id, step);
    if (tasks.length === 0) {
      fail(
        `engagement ${engagement.id} has no completed '${step}' task; record the delivery days first`,
        'attendance-missing',
      );
    }
    return tasks.map((task, i) => ({
      ...dayRecord(task.result, `day ${i + 1} (${step} ${task.iteration})`),
      recordedOn: kyivDate(task.completedAt),
    }));
  };

  /** Numbers the certificates the engagement does not have yet, all in one transaction. */
  const numberCertificates = (
    engagement: EngagementRef,
    eligible: { attendee: string; hours: number; share: number }[],
  ): Promise<CertificateRow[]> =>
    withTransaction(pool, async (client) => {
      if (!(await lockEngagementForCertificates(client, engagement.id))) {
        fail(`engagement ${engagement.id} does not exist`, 'engagement-missing');
      }
      const rows = await selectCertificatesOfEngagement(client, engagement.id);
      const have = new Set(rows.map((row) => attendeeKey(row.attendee)));
      const issuedAt = new Date();
      const { year } = parseIsoDate(kyivDate(issuedAt));
      for (const attendee of eligible) {
        if (have.has(attendeeKey(attendee.attendee))) continue;
        // Taken per certificate right before its insert: the counter row is locked from here to commit.
        const seq = await takeNextCertificateNumber(client, year);
        const number = `CC-${year}-${String(seq).padStart(4, '0')}`;
        rows.push(
          await insertCertificate(client, { year, seq, number, engagementId: engagement.id, ...attendee, issuedAt }),
        );
      }
      return rows;
    });

  return {
    /** Queues the reminder with the checklist to the customer and stores it as `checklist.md`. */
    async 'training.sendChecklist'({
      input,
      engagement,
    }: BusinessActivityInput<ChecklistInput>): Promise<{ notificationId: number; checklist: ArtifactRef }> {
      const stored = await storedFile(pool, engagement, 'checklist.md');
      const content = stored?.content ?? Buffer.from(renderChecklist(input));
      const row =
        stored?.row ??
        (await storeFile(pool, engagement, {
          kind: 'training-checklist',
          name: 'checklist.md',
          mediaType: 'text/markdown; charset=utf-8',
          content,
        }));
      const notificationId = await insertNotification(pool, {
        idempotencyKey: engagement.idempotencyKey,
        engagementId: engagement.id,
        recipient: 'customer',
        subject: `On-site training at ${input.site}: reminder and checklist`,
        body: content.toString('utf8'),
      });
      return { notificationId, checklist: artifactRef(row) };
    },

    /**
     * Totals each attendee's hours over the delivery days and issues a numbered PDF certificate to
     * every attendee at or above the share; the others are listed with the reason. A retry issues
     * nothing new and returns the certificates (and PDFs) already made.
     */
    async 'training.issueCertificates'({
      input,
      engagement,
    }: BusinessActivityInput<IssueCertificatesInput>): Promise<IssueCertificatesOutput> {
      const minShareOfHours = input.minShareOfHours ?? DEFAULT_MIN_SHARE;
      const days = await readDays(input, engagement);
      const summary = summarizeAttendance(days, minShareOfHours, input.attendees ?? []);
      const eligible = summary.attendees
        .filter((a) => a.eligible)
        .sort((a, b) => a.attendee.localeCompare(b.attendee, 'uk'))
        .map(({ attendee, hours, share }) => ({ attendee, hours, share }));
      const rows = await numberCertificates(engagement, eligible);
      const dates = days.flatMap((day) => (day.recordedOn ? [day.recordedOn] : [])).sort();
      const issued: IssuedCertificate[] = [];
      for (const row of rows) {
        const name = `certificate-${row.number}.pdf`;
        const artifact =
          (await storedFile(pool, engagement, name))?.row ??
          (await storeFile(pool, engagement, {
            kind: 'training-certificate',
            name,
            mediaType: 'application/pdf',
            content: await renderCertificatePdf({
              number: row.number,
              attendee: row.attendee,
              hours: row.hours,
              hoursDelivered: summary.hoursDelivered,
              share: row.share,
              issuedAt: row.issuedAt,
              programme: programmeTitle(input.programme?.sessions, input.programme?.title),
              site: input.site ?? null,
              trainer: input.programme?.trainer ?? null,
              period: dates.length > 0 ? { from: dates[0]!, to: dates.at(-1)! } : null,
            }),
          }));
        await updateCertificateArtifact(pool, row.id, artifact.id);
        issued.push({
          number: row.number,
          attendee: row.attendee,
          hours: row.hours,
          share: row.share,
          artifact: artifactRef(artifact),
        });
        Context.current().heartbeat({ phase: 'certificates', done: issued.length, of: rows.length });
      }
      const percent = Math.round(minShareOfHours * 1000) / 10;
      const notIssued = summary.attendees
        .filter((a) => !a.eligible)
        .map(({ attendee, hours, share }) => ({
          attendee,
          hours,
          share,
          reason: `present ${hours} h of ${summary.hoursDelivered} h (${Math.round(share * 1000) / 10} %), below the ${percent} % required`,
        }));
      return { hoursDelivered: summary.hoursDelivered, minShareOfHours, issued, notIssued, warnings: summary.warnings };
    },

    /** Queues the feedback form to the customer for the attendees and stores it as `feedback-form.md`. */
    async 'training.collectFeedback'({
      input,
      engagement,
    }: BusinessActivityInput<{ attendees: string[]; sessions?: Session[] }>): Promise<{
      notificationId: number;
      form: ArtifactRef;
      attendees: number;
    }> {
      if (!Array.isArray(input.attendees) || input.attendees.length === 0) {
        fail('no attendees to ask for feedback; the survey lists them', 'input-invalid');
      }
      const modules = [...new Set((input.sessions ?? []).flatMap((session) => session.modules))];
      const content = Buffer.from(renderFeedbackForm({ attendees: input.attendees, modules }));
      const row = await storeFile(pool, engagement, {
        kind: 'training-feedback-form',
        name: 'feedback-form.md',
        mediaType: 'text/markdown; charset=utf-8',
        content,
      });
      const notificationId = await insertNotification(pool, {
        idempotencyKey: engagement.idempotencyKey,
        engagementId: engagement.id,
        recipient: 'customer',
        subject: 'On-site training: please pass the feedback form to the attendees',
        body: content.toString('utf8'),
      });
      return { notificationId, form: artifactRef(row), attendees: input.attendees.length };
    },

    /** Summarises the recorded answers (averages, comments) into `feedback-summary.json` and `.md`. */
    async 'training.summarizeFeedback'({
      input,
      engagement,
    }: BusinessActivityInput<{ answers: { responses?: unknown } | null; attendees?: string[] }>): Promise<{
      summary: FeedbackSummary;
      report: ArtifactRef;
    }> {
      const stored = await storedJson<FeedbackSummary>(pool, engagement, 'feedback-summary.json');
      const summary = stored?.value ?? summarizeFeedback(input.answers?.responses ?? [], input.attendees ?? []);
      const json =
        stored?.row ?? (await storeJson(pool, engagement, 'training-feedback', 'feedback-summary.json', summary));
      await storeFile(pool, engagement, {
        kind: 'training-feedback',
        name: 'feedback-summary.md',
        mediaType: 'text/markdown; charset=utf-8',
        content: Buffer.from(renderFeedbackSummary(summary)),
      });
      return { summary, report: artifactRef(json) };
    },

    /** Assembles `trainer-report.json` and `trainer-report.md` from the engagement's training records. */
    async 'training.buildReport'({
      input,
      engagement,
    }: BusinessActivityInput<BuildReportInput>): Promise<{ report: ArtifactRef; markdown: ArtifactRef }> {
      const stored = await storedJson<TrainerReport>(pool, engagement, 'trainer-report.json');
      const report = stored?.value ?? assembleReport(input, await readDays(input, engagement));
      const json = stored?.row ?? (await storeJson(pool, engagement, 'trainer-report', 'trainer-report.json', report));
      const markdown = await storeFile(pool, engagement, {
        kind: 'trainer-report',
        name: 'trainer-report.md',
        mediaType: 'text/markdown; charset=utf-8',
        content: Buffer.from(renderTrainerReport(report)),
      });
      return { report: artifactRef(json), markdown: artifactRef(markdown) };
    },
  };
}

function assembleReport(input: BuildReportInput, days: DayWithDate[]): TrainerReport {
  const summary = summarizeAttendance(days, input.minShareOfHours ?? DEFAULT_MIN_SHARE, input.attendees ?? []);
  const certificates = input.certificates ?? { issued: [], notIssued: [] };
  const sessions = input.programme?.sessions ?? [];
  return {
    programme: {
      title: programmeTitle(sessions, input.programme?.title),
      site: input.site ?? null,
      startsAt: input.programme?.startsAt ?? null,
      trainer: input.programme?.trainer ?? null,
      level: input.survey?.level ?? null,
      roles: input.roles ?? [],
    },
    sessions: days.map((day, i) => ({ ...(sessions[i] ?? { day: i + 1, modules: [] }), ...day })),
    hoursDelivered: summary.hoursDelivered,
    travelHours: summary.travelHours,
    attendance: summary.attendees.map((a) => ({
      ...a,
      certificate: certificates.issued.find((c) => attendeeKey(c.attendee) === attendeeKey(a.attendee))?.number ?? null,
    })),
    certificates: { issued: certificates.issued, notIssued: certificates.notIssued },
    feedback: input.feedback?.summary ?? null,
    trainerText: input.text ?? '',
  };
}
