import type { DefinitionIssue } from './definition-error.ts';
import type { DefinitionLayout } from './definition-walk.ts';
import type { ProcessDefinition } from './schema.ts';
import { stepPrefix } from './schema-validation.ts';
import { formatPath, type ParsedYaml, type PathSegment } from './yaml-document.ts';

/** What a semantic check reads and where it reports. */
export interface CheckContext {
  definition: ProcessDefinition;
  layout: DefinitionLayout;
  /** Activity names an `activity` step may use. */
  activities: ReadonlySet<string>;
  /** Activity names whose work is still to come: they keep a definition from being offered. */
  planned: ReadonlySet<string>;
  /** Why a subprocess step may not run the definition it names, if so; unchecked when absent. */
  subprocessProblem: SubprocessProblem | undefined;
  /**
   * Reports a problem at `path`. `at.key` points at the key instead of the value; `at.offset` at a
   * character inside a single-line string value (an expression inside it).
   */
  report(path: PathSegment[], message: string, hint?: string, at?: { key?: boolean; offset?: number }): void;
  /**
   * Reports what keeps a sound definition from being offered: work the worker does not implement
   * yet. The catalog keeps such a definition as "not offered yet"; validation and publishing refuse it.
   */
  reportNotOffered(path: PathSegment[], message: string, hint?: string): void;
}

/** A message saying why a subprocess may not run definition `id` (at `version`, or its latest), or undefined. */
export type SubprocessProblem = (id: string, version: number | undefined) => string | undefined;

export function createCheckContext(
  definition: ProcessDefinition,
  layout: DefinitionLayout,
  parsed: ParsedYaml,
  file: string,
  sinks: { issues: DefinitionIssue[]; notOffered: DefinitionIssue[] },
  activities: ReadonlySet<string>,
  subprocessProblem?: SubprocessProblem,
  planned: ReadonlySet<string> = new Set(),
): CheckContext {
  const issueAt = (
    path: PathSegment[],
    message: string,
    hint?: string,
    at?: { key?: boolean; offset?: number },
  ): DefinitionIssue => {
    let position = parsed.locate(path, { key: at?.key ?? false });
    if (at?.offset !== undefined) {
      const scalar = parsed.scalarStart(path);
      if (scalar?.singleLine) position = parsed.positions.at(scalar.offset + at.offset);
    }
    return {
      file,
      ...position,
      path: formatPath(path),
      message: `${stepPrefix(parsed.value, path)}${message}`,
      ...(hint ? { hint } : {}),
    };
  };
  return {
    definition,
    layout,
    activities,
    planned,
    subprocessProblem,
    report: (path, message, hint, at) => sinks.issues.push(issueAt(path, message, hint, at)),
    reportNotOffered: (path, message, hint) => sinks.notOffered.push(issueAt(path, message, hint)),
  };
}
