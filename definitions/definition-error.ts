import { AppError } from '../lib/errors.ts';

/** One problem in a definition, where it is and what to do about it. */
export interface DefinitionIssue {
  file: string;
  /** 1-based line and column of the offending node. */
  line: number;
  column: number;
  /** Where in the document, e.g. `steps[2].timeout`; empty for the document itself. */
  path: string;
  message: string;
  /** What to do, when the message alone does not say it. */
  hint?: string;
}

/** `file:line:column: message (hint)`. */
export function formatIssue(issue: DefinitionIssue): string {
  const where = issue.path ? ` [${issue.path}]` : '';
  const hint = issue.hint ? ` — ${issue.hint}` : '';
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}${hint}${where}`;
}

/**
 * What one error reports at most: the first `maxIssues` problems by position, each text cut at
 * `maxText` characters. A document may hold thousands of problems (and keys of any length); the
 * answer stays small enough to read, and to send.
 */
export const REPORTED_ISSUES = Object.freeze({ maxIssues: 100, maxText: 300 });

function clip(text: string): string {
  return text.length > REPORTED_ISSUES.maxText ? `${text.slice(0, REPORTED_ISSUES.maxText - 1)}…` : text;
}

function clipped(issue: DefinitionIssue): DefinitionIssue {
  return {
    ...issue,
    file: clip(issue.file),
    path: clip(issue.path),
    message: clip(issue.message),
    ...(issue.hint === undefined ? {} : { hint: clip(issue.hint) }),
  };
}

function byPosition(a: DefinitionIssue, b: DefinitionIssue): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/**
 * Thrown by the loader when a definition cannot be used: it carries the issues found, ordered by
 * position, at most REPORTED_ISSUES of them (`issueCount` says how many there were). An `AppError`
 * with code `definition-invalid`, so the API maps it to 422 with `errors[]`.
 */
export class DefinitionError extends AppError {
  readonly issues: readonly DefinitionIssue[];
  /** How many distinct problems were found; `issues` holds the first of them. */
  readonly issueCount: number;
  /** `found`: how many problems there are, when `issues` holds only some of them. */
  constructor(issues: readonly DefinitionIssue[], found = issues.length) {
    const seen = new Set<string>();
    const sorted = [...issues].sort(byPosition).filter((issue) => {
      const key = formatIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const shown = sorted.slice(0, REPORTED_ISSUES.maxIssues).map(clipped);
    // Duplicates of the listed issues do not count; of those only counted, none are known.
    const total = sorted.length + Math.max(0, found - issues.length);
    const count = total === 1 ? '1 problem' : `${total} problems`;
    const which = shown.length < total ? `; the first ${shown.length}` : '';
    super('definition-invalid', `definition has ${count}${which}:\n${shown.map(formatIssue).join('\n')}`, {
      errors: shown,
      issueCount: total,
    });
    this.issues = shown;
    this.issueCount = total;
  }
}

export function isDefinitionError(error: unknown): error is DefinitionError {
  return error instanceof DefinitionError;
}
