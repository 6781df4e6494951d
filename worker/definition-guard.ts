/**
 * The worker's check at start: every offered definition in the database names only activities this
 * worker implements. A worker older than the catalog it serves would otherwise take engagements
 * whose steps it cannot run, and they would retry "not registered" forever.
 */
import { selectOfferedDefinitions } from '../db/queries/definitions.ts';
import type { Queryable } from '../db/pool.ts';
import { formatIssue, isDefinitionError, type DefinitionIssue } from '../definitions/definition-error.ts';
import { inspectDefinition } from '../definitions/loader.ts';
import { activitiesOf } from '../definitions/offers.ts';

/** Throws, naming every step (definition@version:line:column), when an offered definition needs an activity not in `implemented`. */
export async function assertDefinitionsRunnable(db: Queryable, implemented: ReadonlySet<string>): Promise<void> {
  const lines: string[] = [];
  for (const row of await selectOfferedDefinitions(db)) {
    const missing = activitiesOf(row.snapshot).filter((name) => !implemented.has(name));
    if (missing.length === 0) continue;
    const label = `${row.id}@${row.version}`;
    let issues: readonly DefinitionIssue[] = [];
    try {
      issues = inspectDefinition(row.source, label, { activities: implemented }).notOffered;
    } catch (error) {
      if (!isDefinitionError(error)) throw error;
      issues = error.issues;
    }
    const located = issues.filter((issue) => issue.path.endsWith('.activity')).map(formatIssue);
    lines.push(...(located.length > 0 ? located : missing.map((name) => `${label}: names activity '${name}'`)));
  }
  if (lines.length > 0) {
    throw new Error(
      `This worker does not implement every activity the offered definitions name, so it does not start:\n${lines.join('\n')}\nRun a worker of the version that published them.`,
    );
  }
}
