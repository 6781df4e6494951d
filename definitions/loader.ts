/**
 * Loads a process definition: preflight on the raw text → strict YAML parse with positions →
 * schema (ajv) → semantic checks → compiled snapshot + sha256. Any problem throws one
 * `DefinitionError` that lists the issues found, ordered by position (the first hundred of them).
 */
import { readFileSync } from 'node:fs';
import { BUSINESS_ACTIVITY_NAMES, PLANNED_ACTIVITY_NAMES } from '../activities/names.ts';
import { createCheckContext, type SubprocessProblem } from './check-context.ts';
import { canonicalJson, compileDefinition, withHash } from './compile.ts';
import { checkContent } from './content-checks.ts';
import { DefinitionError, type DefinitionIssue } from './definition-error.ts';
import { layoutOf } from './definition-walk.ts';
import { checkFlow } from './flow-checks.ts';
import type { CompiledDefinition } from './model.ts';
import { checkOffer } from './offer-checks.ts';
import { preflight } from './preflight.ts';
import type { ProcessDefinition } from './schema.ts';
import { validateStructure } from './schema-validation.ts';
import { parseYaml } from './yaml-document.ts';

export { DefinitionError } from './definition-error.ts';

export interface LoadOptions {
  /** Activity names steps may use; the worker's business activities unless given. */
  activities?: ReadonlySet<string>;
  /** Activity names whose work is still to come (PLANNED_ACTIVITIES unless given). */
  planned?: ReadonlySet<string>;
  /** Why a subprocess step may not run the definition it names (not published, not offered); unchecked when absent. */
  subprocessProblem?: SubprocessProblem;
}

/** A sound definition, and what keeps it from being offered (empty when it may be offered). */
export interface InspectedDefinition {
  compiled: CompiledDefinition;
  notOffered: DefinitionIssue[];
}

/**
 * Loads a definition that may name work still to come: defects throw, while an activity not
 * implemented yet or a subprocess not offered is returned in `notOffered` (the catalog keeps such a
 * definition, not offered). `file` names it in error positions.
 */
export function inspectDefinition(source: string, file: string, options: LoadOptions = {}): InspectedDefinition {
  const early = preflight(source, file);
  if (early.length > 0) throw new DefinitionError(early);
  const { parsed, issues: yamlIssues } = parseYaml(source, file);
  if (!parsed) throw new DefinitionError(yamlIssues);
  const structural = validateStructure(parsed, file);
  if (structural.found > 0) throw new DefinitionError(structural.issues, structural.found);
  const definition = parsed.value as unknown as ProcessDefinition;
  const layout = layoutOf(definition);
  const sinks = { issues: [] as DefinitionIssue[], notOffered: [] as DefinitionIssue[] };
  const ctx = createCheckContext(
    definition,
    layout,
    parsed,
    file,
    sinks,
    options.activities ?? BUSINESS_ACTIVITY_NAMES,
    options.subprocessProblem,
    options.planned ?? PLANNED_ACTIVITY_NAMES,
  );
  checkFlow(ctx);
  checkContent(ctx);
  checkOffer(ctx);
  if (sinks.issues.length > 0) throw new DefinitionError([...sinks.issues, ...sinks.notOffered]);
  return { compiled: withHash(compileDefinition(definition)), notOffered: sinks.notOffered };
}

/**
 * Loads a definition from YAML text; `file` names it in error positions. A definition naming work
 * the worker does not implement is refused like any other problem.
 */
export function loadDefinition(source: string, file: string, options: LoadOptions = {}): CompiledDefinition {
  const { compiled, notOffered } = inspectDefinition(source, file, options);
  if (notOffered.length > 0) throw new DefinitionError(notOffered);
  return compiled;
}

/** Reads and loads a definition file. */
export function loadDefinitionFile(path: string): CompiledDefinition {
  return loadDefinition(readFileSync(path, 'utf8'), path);
}

export { canonicalJson };
