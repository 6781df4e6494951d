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

function byPosition(a: DefinitionIssue, b: DefinitionIssue): number {
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}

/**
 * Thrown by the loader when a definition cannot be used: it carries every issue found, ordered by
 * position. An `AppError` with code `definition-invalid`, so the API maps it to 422 with `errors[]`.
 */
export class DefinitionError extends AppError {
  readonly issues: readonly DefinitionIssue[];
  constructor(issues: readonly DefinitionIssue[]) {
    const seen = new Set<string>();
    const sorted = [...issues].sort(byPosition).filter((issue) => {
      const key = formatIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
    super('definition-invalid', `definition has ${count}:\n${sorted.map(formatIssue).join('\n')}`, {
      errors: sorted,
    });
    this.issues = sorted;
  }
}

export function isDefinitionError(error: unknown): error is DefinitionError {
  return error instanceof DefinitionError;
}
