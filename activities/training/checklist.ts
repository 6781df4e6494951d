/**
 * The reminder the customer gets before an on-site training: when and where, the programme day by
 * day, and what the customer must have ready — the room, a workstation and a CityCom licence per
 * attendee, a training copy of the database and an account per attendee.
 */
import { BUSINESS_TIME_ZONE, kyivDate } from '../../lib/calendar.ts';
import { fail } from '../project-schemas.ts';

/** One session of the programme as the programme task records it. */
export interface Session {
  day: number;
  modules: string[];
  hours?: number;
}

export interface ChecklistInput {
  site: string;
  /** ISO date-time the training starts (the programme's `startsAt`). */
  startsAt: string;
  sessions?: Session[];
  attendees?: string[];
  roles?: string[];
  trainer?: string;
}

const kyivTime = new Intl.DateTimeFormat('en-GB', { timeZone: BUSINESS_TIME_ZONE, hour: '2-digit', minute: '2-digit' });

/** `2026-03-16 09:30 (Kyiv time)`, from an ISO date-time. */
export function kyivDateTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    fail(`startsAt must be an ISO date-time, got ${JSON.stringify(iso)}; correct the programme`, 'input-invalid');
  }
  return `${kyivDate(at)} ${kyivTime.format(at)} (Kyiv time)`;
}

export function sessionLine(session: Session): string {
  const hours = session.hours === undefined ? '' : `, ${session.hours} h`;
  return `Day ${session.day}: ${session.modules.join('; ') || 'modules to be announced'}${hours}`;
}

/** The checklist as Markdown: the artifact and the body of the reminder are the same text. */
export function renderChecklist(input: ChecklistInput): string {
  if (typeof input.site !== 'string' || input.site.trim() === '') {
    fail('the training site is missing; give the address of the training room', 'input-invalid');
  }
  const attendees = input.attendees ?? [];
  const seats = attendees.length > 0 ? `${attendees.length}` : 'one per attendee';
  const lines = [
    '# On-site training: reminder and checklist',
    '',
    `- Starts: ${kyivDateTime(input.startsAt)}`,
    `- Site: ${input.site}`,
    ...(input.trainer ? [`- Trainer: ${input.trainer}`] : []),
    ...(input.roles && input.roles.length > 0 ? [`- Roles trained: ${input.roles.join(', ')}`] : []),
    '',
    '## Programme',
    '',
    ...(input.sessions && input.sessions.length > 0
      ? input.sessions.map((session) => `- ${sessionLine(session)}`)
      : ['- As agreed in the approved programme']),
    '',
    '## Please have ready before the first day',
    '',
    '- [ ] A training room with a projector or a large screen and a whiteboard',
    `- [ ] Workstations with CityCom installed: ${seats}, plus one for the trainer`,
    `- [ ] CityCom licences for every workstation (${seats})`,
    '- [ ] A training copy of the project database, separate from the working database',
    '- [ ] A CityCom account for each attendee with the rights of their role, and one for the trainer',
    '- [ ] Network access from the workstations to the database server (and to CityCom(Cloud) if used)',
    '- [ ] A contact person on site on each training day',
    ...(attendees.length > 0 ? ['', '## Attendees', '', ...attendees.map((name) => `- ${name}`)] : []),
    '',
    'An attendance sheet is kept for every session; certificates are issued to attendees present for at least 80 % of the hours.',
    '',
  ];
  return lines.join('\n');
}
