/**
 * JSON Schema validation at the API edge: request bodies, launch parameters against a
 * definition's `inputs`, task results against a task's form. Compiled validators are cached.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AppError, type ErrorCode } from '../lib/errors.ts';
import { fieldErrors, summarize } from './field-errors.ts';

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
  const errors = fieldErrors(validate.errors, options.root ?? '');
  throw new AppError(options.code, `${options.what} is invalid: ${summarize(errors, errors.length)}`, { errors });
}
