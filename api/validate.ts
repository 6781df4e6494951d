/**
 * JSON Schema validation at the API edge: request bodies, launch parameters against a
 * definition's `inputs`, task results against a task's form. Compiled validators are cached.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AppError, type ErrorCode } from '../lib/errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false }));
const cache = new Map<string, ValidateFunction>();

function compile(schema: object | boolean): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(key, validate);
  }
  return validate;
}

export interface FieldError {
  path: string;
  message: string;
}

function describe(errors: ErrorObject[] | null | undefined, root: string): FieldError[] {
  return (errors ?? []).map((e) => {
    const path = `${root}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      return { path, message: `unknown field "${String(e.params.additionalProperty)}"` };
    }
    if (e.keyword === 'required')
      return { path, message: `missing required field "${String(e.params.missingProperty)}"` };
    return { path, message: e.message ?? 'is invalid' };
  });
}

/**
 * Validates `value` (defaults from the schema are filled in place) and throws an AppError with
 * `errors[]` naming each field when it does not match.
 */
export function assertMatches(
  schema: object | boolean,
  value: unknown,
  options: { code: ErrorCode; what: string; root?: string },
): void {
  const validate = compile(schema);
  if (validate(value)) return;
  const errors = describe(validate.errors, options.root ?? '');
  throw new AppError(
    options.code,
    `${options.what} is invalid: ${errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`,
    { errors },
  );
}
