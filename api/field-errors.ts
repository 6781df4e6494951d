/**
 * Field errors of problem+json answers (`errors[]`): each names the field at fault by a JSON
 * Pointer into the request (`/params/projectId`; a query parameter by its name) and says what would
 * be accepted, so a caller can fix the request without reading the schema.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { AppError, type ErrorCode } from '../lib/errors.ts';

export interface FieldError {
  /** JSON Pointer of the field in the body (`/params/projectId`), or the name of a query parameter. */
  path: string;
  message: string;
}

/** `"a", "b" or "c"` */
export function allowedValues(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length <= 1 ? (quoted[0] ?? 'nothing') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** What is wrong with one field, in words that say what is accepted instead. */
export function messageOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(e.params.additionalProperty)}"`;
    case 'required':
      return `missing required field "${String(e.params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${allowedValues(e.params.allowedValues as unknown[])}`;
    case 'const':
      return `must be ${allowedValues([e.params.allowedValue])}`;
    default:
      return e.message ?? 'is invalid';
  }
}

/**
 * ajv's errors as field errors under `root`. A missing or unknown field is reported at its own path
 * (`/params/projectId`), not at the object that lacks or carries it.
 */
export function fieldErrors(errors: ErrorObject[] | null | undefined, root = ''): FieldError[] {
  return (errors ?? []).map((e) => {
    let path = `${root}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') path += `/${String(e.params.additionalProperty)}`;
    if (e.keyword === 'required') path += `/${String(e.params.missingProperty)}`;
    return { path, message: messageOf(e) };
  });
}

/** `/params/days must be integer; /site missing …` for a problem's `detail`. */
export function summarize(errors: readonly FieldError[], limit = 5): string {
  return errors
    .slice(0, limit)
    .map((e) => `${e.path || 'the body'} ${e.message}`)
    .join('; ');
}

/** Throws the AppError of one field at fault: `detail` and `errors[]` name the same field. */
export function refuseField(
  path: string,
  message: string,
  options: { code?: ErrorCode; detail?: string; details?: Record<string, unknown> } = {},
): never {
  throw new AppError(options.code ?? 'request-invalid', options.detail ?? `${path} ${message}.`, {
    ...options.details,
    errors: [{ path, message }],
  });
}

/** The JSON Pointer of the first string in `value` that holds a NUL character, or null. */
export function pathOfNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || '/' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const segment = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (key.includes('\0')) return path + segment;
    const found = pathOfNul(child, path + segment);
    if (found !== null) return found;
  }
  return null;
}
