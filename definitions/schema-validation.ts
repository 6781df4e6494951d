/**
 * Structural validation with ajv (draft 2020-12, `kind` discriminator, no coercion) and the
 * translation of ajv's errors into messages that say what is wrong and what to do.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { REPORTED_ISSUES, type DefinitionIssue } from './definition-error.ts';
import type { JsonValue } from './model.ts';
import { processDefinitionSchema, STEP_KINDS } from './schema.ts';
import { didYouMean, listOf } from './suggest.ts';
import { formatPath, type ParsedYaml, type PathSegment } from './yaml-document.ts';

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv2020({
    allErrors: true,
    strict: true,
    discriminator: true,
    allowUnionTypes: true,
    coerceTypes: false,
    useDefaults: false,
    verbose: true,
  }).compile(processDefinitionSchema);
  return validator;
}

function decodePointer(pointer: string, data: JsonValue): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current: JsonValue | undefined = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current = current && typeof current === 'object' ? current[segment] : undefined;
    }
  }
  return path;
}

function valueAt(data: JsonValue, path: readonly PathSegment[]): JsonValue | undefined {
  let current: JsonValue | undefined = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[segment as number] : current[segment as string];
  }
  return current;
}

/** `step 'fit': ` for a path inside a step, so a message names what the reader wrote. */
export function stepPrefix(data: JsonValue, path: readonly PathSegment[]): string {
  for (let i = path.length; i >= 2; i--) {
    if (typeof path[i - 1] === 'number' && (path[i - 2] === 'steps' || path[i - 2] === 'compensation')) {
      const step = valueAt(data, path.slice(0, i));
      const id = step && typeof step === 'object' && !Array.isArray(step) ? step.id : undefined;
      return typeof id === 'string'
        ? `step '${id}': `
        : `step ${Number(path[i - 1]) + 1} of ${formatPath(path.slice(0, i - 1))}: `;
    }
  }
  return '';
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'empty';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

const DURATION_HINT = 'write a duration such as 90s, 15m, 4h, 3d or 2w';

function isDurationSchema(schema: unknown): boolean {
  return (
    Array.isArray((schema as { type?: unknown })?.type) && typeof (schema as { pattern?: unknown }).pattern === 'string'
  );
}

interface Translated {
  path: PathSegment[];
  atKey?: boolean;
  message: string;
  hint?: string;
}

/** `siblings`: the errors about the same place in the document. */
function translate(error: ErrorObject, data: JsonValue, siblings: ErrorObject[]): Translated | undefined {
  const path = decodePointer(error.instancePath, data);
  const value = valueAt(data, path);
  const field = typeof path[path.length - 1] === 'string' ? `'${String(path[path.length - 1])}'` : 'this value';
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return { path, message: `'${missing}' is missing`, hint: `add ${missing}: …` };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
      return {
        path: [...path, extra],
        atKey: true,
        message: `unknown field '${extra}'`,
        hint: didYouMean(extra, allowed) ?? `allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'discriminator': {
      if (params.error === 'mapping') {
        const kind = String(params.tagValue);
        return {
          path: [...path, 'kind'],
          message: `unknown step kind '${kind}'`,
          hint: didYouMean(kind, STEP_KINDS) ?? `use one of ${listOf(STEP_KINDS)}`,
        };
      }
      return { path, message: 'the step has no kind', hint: `add kind: one of ${listOf(STEP_KINDS)}` };
    }
    case 'type': {
      if (isDurationSchema(parent)) {
        return { path, message: `${field} must be a duration, not ${describe(value)}`, hint: DURATION_HINT };
      }
      const wanted = String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      const quoted =
        typeof value === 'string' &&
        (params.type === 'integer' || params.type === 'number' || params.type === 'boolean');
      return {
        path,
        message: `${field} must be ${wanted}, not ${describe(value)}`,
        ...(quoted
          ? { hint: `write the value without quotes${params.type === 'boolean' ? ': true or false' : ''}` }
          : {}),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      return {
        path,
        message: `${field} must be ${listOf(allowed)}, not ${describe(value)}`,
        ...(typeof value === 'string' ? { hint: didYouMean(value, allowed.map(String)) } : {}),
      };
    }
    case 'const':
      return { path, message: `${field} must be ${listOf([params.allowedValue])}, not ${describe(value)}` };
    case 'pattern': {
      const pattern = String(params.pattern);
      if (isDurationSchema(parent))
        return { path, message: `${describe(value)} is not a duration`, hint: DURATION_HINT };
      if (pattern.startsWith('^[a-z][a-z0-9-]')) {
        return {
          path,
          message: `${describe(value)} is not a valid id`,
          hint: 'use lower-case letters, digits and dashes, starting with a letter (at most 63)',
        };
      }
      if (pattern.startsWith('^[BX]-')) {
        return {
          path,
          message: `${describe(value)} is not a service code`,
          hint: 'use a catalog code such as X-IMPORT or B-HOTLINE',
        };
      }
      if (pattern.includes('\\.')) {
        return {
          path,
          message: `${describe(value)} is not an activity name`,
          hint: 'activity names look like import.convert',
        };
      }
      return { path, message: `${describe(value)} is not valid for ${field}`, hint: `it must match ${pattern}` };
    }
    case 'anyOf': {
      const alternatives = siblings
        .filter((s) => s !== error && s.schemaPath.startsWith(error.schemaPath))
        .map((s) =>
          s.keyword === 'const' ? JSON.stringify((s.params as { allowedValue: unknown }).allowedValue) : undefined,
        )
        .filter((s): s is string => s !== undefined);
      const words = alternatives.length > 0 ? `${alternatives.join(', ')} or a mapping` : 'one of the accepted forms';
      return { path, message: `${field} must be ${words}, not ${describe(value)}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `${field} ${error.message ?? 'is out of range'}, not ${JSON.stringify(value)}` };
    case 'minItems':
      return { path, message: `${field} needs at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return {
        path,
        message: `${field} has more than ${String(params.limit)} items`,
        hint: 'split the process into subprocesses',
      };
    case 'minLength':
      return { path, message: `${field} must not be empty` };
    case 'maxLength':
      return { path, message: `${field} is longer than ${String(params.limit)} characters`, hint: 'shorten it' };
    case 'minProperties':
      return { path, message: `${field} must not be empty`, hint: 'give at least one entry' };
    case 'maxProperties':
      return { path, message: `${field} has more than ${String(params.limit)} entries` };
    default:
      return { path, message: `${field} ${error.message ?? 'is not valid'}` };
  }
}

/**
 * Translated problems at most: a report lists the first REPORTED_ISSUES by position, so beyond a
 * margin over that the rest are only counted.
 */
const MAX_TRANSLATED = REPORTED_ISSUES.maxIssues * 10;

/**
 * Validates the parsed document against the schema: one issue per distinct problem (at most
 * MAX_TRANSLATED of them), and how many problems there are in all. Other documents kept as YAML
 * (exchange specs) pass their own compiled schema as `validate`.
 */
export function validateStructure(
  parsed: ParsedYaml,
  file: string,
  validate: ValidateFunction = getValidator(),
): { issues: DefinitionIssue[]; found: number } {
  if (validate(parsed.value)) return { issues: [], found: 0 };
  const errors = validate.errors ?? [];
  // Errors by the place they are about, so relating an error to its neighbours stays linear: a
  // place has few anyOf or discriminator errors (one per schema location), however many others.
  const atPath = new Map<string, { all: ErrorObject[]; anyOfs: ErrorObject[]; discriminated: boolean }>();
  for (const error of errors) {
    let place = atPath.get(error.instancePath);
    if (!place) atPath.set(error.instancePath, (place = { all: [], anyOfs: [], discriminated: false }));
    place.all.push(error);
    if (error.keyword === 'anyOf') place.anyOfs.push(error);
    if (error.keyword === 'discriminator') place.discriminated = true;
  }
  const issues: DefinitionIssue[] = [];
  let found = 0;
  for (const error of errors) {
    const place = atPath.get(error.instancePath)!;
    // Inner failures of an anyOf are summarised by the anyOf itself.
    if (place.anyOfs.some((a) => a !== error && error.schemaPath.startsWith(a.schemaPath))) continue;
    if (error.keyword === 'required' && place.discriminated) continue;
    if (++found > MAX_TRANSLATED) continue;
    const t = translate(error, parsed.value, place.all);
    if (!t) continue;
    const position = parsed.locate(t.path, { key: t.atKey ?? false });
    issues.push({
      file,
      ...position,
      path: formatPath(t.path),
      message: `${stepPrefix(parsed.value, t.path)}${t.message}`,
      ...(t.hint ? { hint: t.hint } : {}),
    });
  }
  return { issues, found };
}
