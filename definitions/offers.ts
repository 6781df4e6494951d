/**
 * Which published definitions are offered. A definition is offered when the work it names exists:
 * every activity it names is implemented and every subprocess it runs is offered. One that is not
 * stays in the catalog, listed as "not offered yet" with the reason, and launching it is refused
 * (docs/catalog.md).
 */
import type { SubprocessProblem } from './check-context.ts';
import type { DefinitionIssue } from './definition-error.ts';
import type { ProcessSnapshot } from './model.ts';

/** A published version and whether it is offered (null reason: offered). */
export interface OfferState {
  id: string;
  version: number;
  not_offered_reason: string | null;
}

/** Subprocess check over the published versions: a target must be published and offered. */
export function subprocessProblemOf(states: Iterable<OfferState>): SubprocessProblem {
  const byId = new Map<string, Map<number, boolean>>();
  for (const state of states) {
    const versions = byId.get(state.id) ?? new Map<number, boolean>();
    versions.set(state.version, state.not_offered_reason === null);
    byId.set(state.id, versions);
  }
  return (id, version) => {
    const versions = byId.get(id);
    if (!versions) return `definition '${id}' is not published, so the process cannot run it`;
    const which = version ?? Math.max(...versions.keys());
    const offered = versions.get(which);
    if (offered === undefined) return `version ${which} of definition '${id}' is not published`;
    return offered
      ? undefined
      : `definition '${id}' version ${which} is not offered yet, so neither is a process that runs it`;
  };
}

/** The reason stored with a definition that is not offered: each issue as file:line:column: message. */
export function notOfferedReason(issues: readonly DefinitionIssue[]): string | null {
  if (issues.length === 0) return null;
  return issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`).join('; ');
}

/** Every activity name the definition's steps use, at any depth. */
export function activitiesOf(snapshot: ProcessSnapshot): string[] {
  const names = new Set<string>();
  for (const step of Object.values(snapshot.steps)) if (step.kind === 'activity') names.add(step.activity);
  return [...names];
}
