/**
 * Feedback on an on-site training: the form the attendees get (a rating 1–5 per module and overall,
 * and a comment), and the summary of the answers the PM records in the `feedback-answers` task:
 * response rate, average ratings overall and per module, and the comments.
 */
import { fail } from '../project-schemas.ts';

/** One attendee's answers as the PM records them. */
export interface FeedbackResponse {
  attendee: string;
  /** 1–5 per module name. */
  modules?: Record<string, number>;
  /** 1–5 for the training as a whole. */
  overall: number;
  comment?: string;
}

export interface FeedbackSummary {
  attendees: number;
  responses: number;
  /** responses / attendees, rounded to 2 decimals; null when no attendees were named. */
  responseRate: number | null;
  /** Average overall rating, 2 decimals; null without answers. */
  overall: number | null;
  modules: { module: string; average: number; ratings: number }[];
  comments: { attendee: string; comment: string }[];
}

/** A Markdown table cell: pipes and line breaks would break the row. */
export const mdCell = (text: string | number): string =>
  String(text)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

const average = (values: number[]): number | null =>
  values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;

function rating(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) {
    fail(
      `${what} must be a whole rating from 1 to 5, got ${JSON.stringify(value)}; correct the recorded answers`,
      'feedback-invalid',
    );
  }
  return value;
}

export function renderFeedbackForm(input: { attendees: string[]; modules: string[] }): string {
  return [
    '# On-site training: feedback form',
    '',
    'Please rate each item from 1 (poor) to 5 (excellent) and add a comment if you wish.',
    '',
    '## Modules',
    '',
    ...(input.modules.length > 0 ? input.modules.map((module) => `- ${module}: 1 2 3 4 5`) : ['- (as delivered)']),
    '',
    '## The training as a whole: 1 2 3 4 5',
    '',
    '## Comment',
    '',
    '________________________________________',
    '',
    `Sent to ${input.attendees.length} attendee(s): ${input.attendees.join(', ')}.`,
    '',
  ].join('\n');
}

/** Checks the recorded answers and summarises them; modules keep the order they first appear in. */
export function summarizeFeedback(responses: unknown, attendees: readonly string[]): FeedbackSummary {
  if (!Array.isArray(responses)) {
    return fail(
      'the feedback answers must be a list of responses [{attendee, overall, modules, comment}]',
      'feedback-invalid',
    );
  }
  const checked = responses.map((raw: Partial<FeedbackResponse>, index): FeedbackResponse => {
    if (!raw || typeof raw.attendee !== 'string' || raw.attendee.trim() === '') {
      fail(`feedback response ${index + 1} names no attendee`, 'feedback-invalid');
    }
    const modules: Record<string, number> = {};
    for (const [module, value] of Object.entries(raw.modules ?? {})) {
      modules[module] = rating(value, `${raw.attendee}: module ${module}`);
    }
    return {
      attendee: raw.attendee.trim(),
      modules,
      overall: rating(raw.overall, `${raw.attendee}: overall`),
      ...(typeof raw.comment === 'string' && raw.comment.trim() !== '' ? { comment: raw.comment.trim() } : {}),
    };
  });
  const byModule = new Map<string, number[]>();
  for (const response of checked) {
    for (const [module, value] of Object.entries(response.modules ?? {})) {
      byModule.set(module, [...(byModule.get(module) ?? []), value]);
    }
  }
  return {
    attendees: attendees.length,
    responses: checked.length,
    responseRate: attendees.length === 0 ? null : Math.round((checked.length / attendees.length) * 100) / 100,
    overall: average(checked.map((response) => response.overall)),
    modules: [...byModule].map(([module, ratings]) => ({
      module,
      average: average(ratings)!,
      ratings: ratings.length,
    })),
    comments: checked.flatMap((r) => (r.comment ? [{ attendee: r.attendee, comment: r.comment }] : [])),
  };
}

export function renderFeedbackSummary(summary: FeedbackSummary): string {
  const rate = summary.responseRate === null ? '' : ` (${Math.round(summary.responseRate * 100)} %)`;
  return [
    '# On-site training: feedback summary',
    '',
    `- Responses: ${summary.responses} of ${summary.attendees}${rate}`,
    `- Overall rating: ${summary.overall ?? '—'} of 5`,
    '',
    '| Module | Average | Ratings |',
    '| --- | --- | --- |',
    ...summary.modules.map((m) => `| ${mdCell(m.module)} | ${m.average} | ${m.ratings} |`),
    '',
    '## Comments',
    '',
    ...(summary.comments.length > 0 ? summary.comments.map((c) => `- ${c.attendee}: ${c.comment}`) : ['- none']),
    '',
  ].join('\n');
}
