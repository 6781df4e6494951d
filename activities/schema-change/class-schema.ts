/**
 * The JSON Schema of an object class, derived from its attribute set: the same schema validates the
 * class's objects (their `attributes`) and can drive a form — titles, units, defaults and the codes
 * of a dictionary as an enum. Attributes the set does not declare are not allowed.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { AttributeType, ClassAttributeRow } from '../../db/class-attributes.ts';
import { YEAR_RANGE } from './convert.ts';

const TYPE_SCHEMA: Record<AttributeType, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  year: { type: 'integer', minimum: YEAR_RANGE.min, maximum: YEAR_RANGE.max },
};

/** The JSON Schema of a class; `codes` gives the codes of each dictionary its attributes name. */
export function classSchema(
  layer: string,
  attributes: readonly ClassAttributeRow[],
  codes: ReadonlyMap<string, readonly string[]>,
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const attribute of attributes) {
    const base = TYPE_SCHEMA[attribute.type];
    const allowed = attribute.dictionary ? [...(codes.get(attribute.dictionary) ?? [])] : undefined;
    const value = allowed ? { ...base, enum: attribute.required ? allowed : [...allowed, null] } : base;
    properties[attribute.name] = {
      title: attribute.name,
      ...(attribute.required ? value : { ...value, type: [base.type, 'null'] }),
      ...(attribute.unit ? { 'x-unit': attribute.unit } : {}),
      ...(attribute.dictionary ? { 'x-dictionary': attribute.dictionary } : {}),
      ...(attribute.defaultValue === null || attribute.defaultValue === undefined
        ? {}
        : { default: attribute.defaultValue }),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: layer,
    type: 'object',
    properties,
    required: attributes.filter((a) => a.required).map((a) => a.name),
    additionalProperties: false,
  };
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'x-unit', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-dictionary', schemaType: 'string' });

/** A compiled validator of a class schema. */
export function compileClassSchema(schema: Record<string, unknown>): ValidateFunction {
  return ajv.compile(schema);
}

/** One way an object does not fit its class schema: the attribute and what is wrong. */
export interface SchemaViolation {
  attribute: string;
  reason: string;
}

/** The violations ajv found, one per attribute and reason. */
export function violationsOf(validate: ValidateFunction): SchemaViolation[] {
  return (validate.errors ?? []).map((error) => {
    const attribute =
      error.keyword === 'required'
        ? String((error.params as { missingProperty: string }).missingProperty)
        : error.keyword === 'additionalProperties'
          ? String((error.params as { additionalProperty: string }).additionalProperty)
          : error.instancePath.slice(1).split('/')[0]!;
    const reason =
      error.keyword === 'additionalProperties'
        ? 'not an attribute of the class'
        : error.keyword === 'required'
          ? 'required but missing'
          : (error.message ?? error.keyword);
    return { attribute, reason };
  });
}
