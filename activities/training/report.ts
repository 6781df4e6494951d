/**
 * The trainer's report of an on-site training: programme, sessions day by day with attendance,
 * hours delivered and travel, certificates issued and not issued with the reasons, the feedback
 * summary and the trainer's own text. Built as JSON first; the Markdown is a rendering of it.
 */
import type { AttendeeTotal, DayRecord } from './attendance.ts';
import type { Session } from './checklist.ts';
import { mdCell, renderFeedbackSummary, type FeedbackSummary } from './feedback.ts';

export interface IssuedCertificate {
  number: string;
  attendee: string;
  hours: number;
  share: number;
  artifact: { id: number; name: string; sha256: string; size: number };
}

export interface NotIssuedCertificate {
  attendee: string;
  hours: number;
  share: number;
  reason: string;
}

export interface TrainerReport {
  programme: {
    title: string;
    site: string | null;
    startsAt: string | null;
    trainer: string | null;
    level: string | null;
    roles: string[];
  };
  sessions: (Session & DayRecord & { recordedOn: string | null })[];
  hoursDelivered: number;
  travelHours: number;
  attendance: (AttendeeTotal & { certificate: string | null })[];
  certificates: { issued: IssuedCertificate[]; notIssued: NotIssuedCertificate[] };
  feedback: FeedbackSummary | null;
  trainerText: string;
}

/** The programme's title for certificates and reports: the modules in the order taught. */
export function programmeTitle(sessions: readonly Session[] | undefined, title?: string): string {
  if (title) return title;
  const modules = [...new Set((sessions ?? []).flatMap((session) => session.modules))];
  const joined = modules.join('; ') || 'CityCom';
  return joined.length > 200 ? `${joined.slice(0, 199)}…` : joined;
}

export function renderTrainerReport(report: TrainerReport): string {
  const { programme } = report;
  const certificateOf = (attendee: string) => report.attendance.find((a) => a.attendee === attendee)?.certificate;
  const lines = [
    "# On-site training: trainer's report",
    '',
    `- Programme: ${programme.title}`,
    ...(programme.site ? [`- Site: ${programme.site}`] : []),
    ...(programme.startsAt ? [`- Starts: ${programme.startsAt}`] : []),
    ...(programme.trainer ? [`- Trainer: ${programme.trainer}`] : []),
    ...(programme.level ? [`- Level: ${programme.level}`] : []),
    ...(programme.roles.length > 0 ? [`- Roles: ${programme.roles.join(', ')}`] : []),
    `- Hours delivered: ${report.hoursDelivered}`,
    `- Travel hours: ${report.travelHours}`,
    '',
    '## Sessions',
    '',
    '| Day | Modules | Recorded on | Hours delivered | Travel | Attendees |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.sessions.map(
      (s) =>
        `| ${s.day} | ${mdCell(s.modules.join('; '))} | ${s.recordedOn ?? '—'} | ${s.hoursDelivered} | ${s.travelHours ?? 0} | ${s.attendance.length} |`,
    ),
    '',
    '## Attendance',
    '',
    '| Attendee | Hours | Share | Certificate |',
    '| --- | --- | --- | --- |',
    ...report.attendance.map(
      (a) =>
        `| ${mdCell(a.attendee)} | ${a.hours} | ${Math.round(a.share * 1000) / 10} % | ${certificateOf(a.attendee) ?? '—'} |`,
    ),
    '',
    '## Certificates',
    '',
    ...report.certificates.issued.map((c) => `- ${c.number}: ${c.attendee} (${c.hours} h)`),
    ...report.certificates.notIssued.map((c) => `- not issued: ${c.attendee} — ${c.reason}`),
    ...(report.certificates.issued.length + report.certificates.notIssued.length === 0 ? ['- none'] : []),
    '',
    ...(report.feedback
      ? renderFeedbackSummary(report.feedback)
          .replace(/^# .*$/m, '## Feedback')
          .split('\n')
      : ['## Feedback', '', '- no answers recorded', '']),
    "## Trainer's notes",
    '',
    report.trainerText.trim() || '—',
    '',
  ];
  return lines.join('\n');
}
