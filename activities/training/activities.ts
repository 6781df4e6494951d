/**
 * The X-TRAIN activities: the reminder with the checklist before the start, numbered certificates
 * for attendees present for enough of the hours, the feedback form and the summary of its answers,
 * and the trainer's report. Each stores what it produced as artifacts of its engagement step and
 * returns what an earlier attempt stored instead of doing the work again.
 */
import { insertNotification } from '../../db/queries/notifications.ts';
import { artifactRef, storeFile, storedFile, storedJson, storeJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { fail } from '../project-schemas.ts';
import { attendeeKey, summarizeAttendance } from './attendance.ts';
import {
  DEFAULT_MIN_SHARE,
  issueCertificates,
  readDays,
  type DayWithDate,
  type IssueCertificatesInput,
  type IssueCertificatesOutput,
} from './certificates.ts';
import { renderChecklist, type ChecklistInput, type Session } from './checklist.ts';
import { renderFeedbackForm, renderFeedbackSummary, summarizeFeedback, type FeedbackSummary } from './feedback.ts';
import { programmeTitle, renderTrainerReport, type TrainerReport } from './report.ts';

export interface BuildReportInput extends Omit<IssueCertificatesInput, 'days'> {
  survey?: { level?: string; attendees?: string[] };
  roles?: string[];
  certificates?: Pick<IssueCertificatesOutput, 'issued' | 'notIssued'>;
  feedback?: { summary?: FeedbackSummary } | null;
  /** The trainer's own text (the `trainer-report` task). */
  text?: string;
}

export function createTrainingActivities(deps: ActivityDeps) {
  const { pool } = deps;

  /**
   * Stores a Markdown document as the step's artifact and queues it to the customer, once: a retry
   * sends the document an earlier attempt stored, under the same notification key.
   */
  const sendToCustomer = async (
    engagement: EngagementRef,
    doc: { kind: string; name: string; subject: string; render: () => string },
  ): Promise<{ notificationId: number; document: ArtifactRef }> => {
    const stored = await storedFile(pool, engagement, doc.name);
    const content = stored?.content ?? Buffer.from(doc.render());
    const row =
      stored?.row ??
      (await storeFile(pool, engagement, {
        kind: doc.kind,
        name: doc.name,
        mediaType: 'text/markdown; charset=utf-8',
        content,
      }));
    const notificationId = await insertNotification(pool, {
      idempotencyKey: engagement.idempotencyKey,
      engagementId: engagement.id,
      recipient: 'customer',
      subject: doc.subject,
      body: content.toString('utf8'),
    });
    return { notificationId, document: artifactRef(row) };
  };

  return {
    /** Queues the reminder with the checklist to the customer and stores it as `checklist.md`. */
    async 'training.sendChecklist'({
      input,
      engagement,
    }: BusinessActivityInput<ChecklistInput>): Promise<{ notificationId: number; checklist: ArtifactRef }> {
      const { notificationId, document } = await sendToCustomer(engagement, {
        kind: 'training-checklist',
        name: 'checklist.md',
        subject: `On-site training at ${input.site}: reminder and checklist`,
        render: () => renderChecklist(input),
      });
      return { notificationId, checklist: document };
    },

    /** Numbered PDF certificates for the attendees at the share of hours (see certificates.ts). */
    async 'training.issueCertificates'({
      input,
      engagement,
    }: BusinessActivityInput<IssueCertificatesInput>): Promise<IssueCertificatesOutput> {
      return issueCertificates(pool, input, engagement);
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
      const { notificationId, document } = await sendToCustomer(engagement, {
        kind: 'training-feedback-form',
        name: 'feedback-form.md',
        subject: 'On-site training: please pass the feedback form to the attendees',
        render: () => renderFeedbackForm({ attendees: input.attendees, modules }),
      });
      return { notificationId, form: document, attendees: input.attendees.length };
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
      const report = stored?.value ?? assembleReport(input, await readDays(pool, input, engagement));
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
