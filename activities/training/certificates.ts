/**
 * Issuing the certificates of a training: the day records of the engagement, each attendee's share
 * of the hours delivered, a gap-free number per qualifying attendee (taken once, in one transaction
 * that holds the engagement row), and a PDF per certificate stored as an artifact of the step.
 */
import { Context } from '@temporalio/activity';
import { withTransaction, type Pool } from '../../db/pool.ts';
import {
  insertCertificate,
  lockEngagementForCertificates,
  selectCertificatesOfEngagement,
  selectCompletedTaskResults,
  updateCertificateArtifact,
  type CertificateRow,
} from '../../db/queries/certificates.ts';
import { kyivDate, parseIsoDate } from '../../lib/calendar.ts';
import { artifactRef, storeFile, storedFile } from '../artifacts.ts';
import type { EngagementRef } from '../context.ts';
import { fail } from '../project-schemas.ts';
import { attendeeKey, dayRecord, summarizeAttendance, type DayRecord } from './attendance.ts';
import { renderCertificatePdf } from './certificate-pdf.ts';
import type { Session } from './checklist.ts';
import { programmeTitle, type IssuedCertificate, type NotIssuedCertificate } from './report.ts';
import { takeNextYearNumber } from '../../db/queries/year-counters.ts';

/** The programme task's result, as the definition passes it on. */
export interface Programme {
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

export const DEFAULT_MIN_SHARE = 0.8;
const DEFAULT_ATTENDANCE_STEP = 'deliver-day';

export type DayWithDate = DayRecord & { recordedOn: string | null };

/** The day records: passed in, or the completed tasks of the attendance step, in the order taught. */
export async function readDays(
  pool: Pool,
  input: IssueCertificatesInput,
  engagement: EngagementRef,
): Promise<DayWithDate[]> {
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
}

/** Numbers the certificates the engagement does not have yet, all in one transaction. */
function numberCertificates(
  pool: Pool,
  engagement: EngagementRef,
  eligible: { attendee: string; hours: number; share: number }[],
): Promise<CertificateRow[]> {
  return withTransaction(pool, async (client) => {
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
      const seq = await takeNextYearNumber(client, 'certificate_counters', year);
      const number = `CC-${year}-${String(seq).padStart(4, '0')}`;
      rows.push(
        await insertCertificate(client, { year, seq, number, engagementId: engagement.id, ...attendee, issuedAt }),
      );
    }
    return rows;
  });
}

/**
 * Totals each attendee's hours over the delivery days and issues a numbered PDF certificate to
 * every attendee at or above the share; the others are listed with the reason. A retry issues
 * nothing new and returns the certificates (and PDFs) already made.
 */
export async function issueCertificates(
  pool: Pool,
  input: IssueCertificatesInput,
  engagement: EngagementRef,
): Promise<IssueCertificatesOutput> {
  const minShareOfHours = input.minShareOfHours ?? DEFAULT_MIN_SHARE;
  const days = await readDays(pool, input, engagement);
  const summary = summarizeAttendance(days, minShareOfHours, input.attendees ?? []);
  const eligible = summary.attendees
    .filter((a) => a.eligible)
    .sort((a, b) => a.attendee.localeCompare(b.attendee, 'uk'))
    .map(({ attendee, hours, share }) => ({ attendee, hours, share }));
  const rows = await numberCertificates(pool, engagement, eligible);
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
    const { number, attendee, hours, share } = row;
    issued.push({ number, attendee, hours, share, artifact: artifactRef(artifact) });
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
}
