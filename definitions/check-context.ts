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
  /**
   * Reports a problem at `path`. `at.key` points at the key instead of the value; `at.offset` at a
   * character inside a single-line string value (an expression inside it).
   */
  report(path: PathSegment[], message: string, hint?: string, at?: { key?: boolean; offset?: number }): void;
}

export function createCheckContext(
  definition: ProcessDefinition,
  layout: DefinitionLayout,
  parsed: ParsedYaml,
  file: string,
  issues: DefinitionIssue[],
  activities: ReadonlySet<string>,
): CheckContext {
  return {
    definition,
    layout,
    activities,
    report(path, message, hint, at) {
      let position = parsed.locate(path, { key: at?.key ?? false });
      if (at?.offset !== undefined) {
        const scalar = parsed.scalarStart(path);
        if (scalar?.singleLine) position = parsed.positions.at(scalar.offset + at.offset);
      }
      issues.push({
        file,
        ...position,
        path: formatPath(path),
        message: `${stepPrefix(parsed.value, path)}${message}`,
        ...(hint ? { hint } : {}),
      });
    },
  };
}
