/**
 * A change set of semantic descriptions (X-SCHEMA, docs/schema-change.md): per object class, an
 * ordered list of operations on its attribute set — add, remove, rename, retype, set required. This
 * module is pure: it checks a change set, applies it to attribute sets and derives the change set
 * that reverses it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AttributeType, ClassAttributeRow } from '../../db/class-attributes.ts';

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'integer', 'number', 'boolean', 'date', 'year'];

/**
 * What to do with a value that cannot be converted to the new type (or a required attribute an
 * object lacks): `reject` lists it and applies nothing (the default), `clear` removes the value,
 * `default` puts the operation's default in its place. Whatever is replaced is archived.
 */
export type UnconvertiblePolicy = 'reject' | 'clear' | 'default';

export type Operation =
  | {
      op: 'add';
      attribute: string;
      type: AttributeType;
      unit?: string | null;
      required?: boolean;
      dictionary?: string | null;
      default?: unknown;
      onUnconvertible?: UnconvertiblePolicy;
    }
  | { op: 'remove'; attribute: string }
  | { op: 'rename'; attribute: string; to: string }
  | { op: 'retype'; attribute: string; type: AttributeType; default?: unknown; onUnconvertible?: UnconvertiblePolicy }
  | {
      op: 'setRequired';
      attribute: string;
      required: boolean;
      default?: unknown;
      onUnconvertible?: UnconvertiblePolicy;
    };

export interface ClassChange {
  class: string;
  operations: Operation[];
}

export interface ChangeSet {
  classes: ClassChange[];
  /** Set in a reverse change set: the change it undoes, restored exactly from its record and archive. */
  reverses?: string;
}

const NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' };
const POLICY = { enum: ['reject', 'clear', 'default'] };

/** The JSON Schema of a change set (the design task's form carries the same). */
export const CHANGE_SET_SCHEMA = {
  type: 'object',
  required: ['classes'],
  additionalProperties: false,
  properties: {
    reverses: { type: 'string', minLength: 1 },
    classes: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['class', 'operations'],
        additionalProperties: false,
        properties: {
          class: { type: 'string', minLength: 1 },
          operations: {
            type: 'array',
            maxItems: 200,
            items: {
              type: 'object',
              required: ['op', 'attribute'],
              properties: {
                op: { enum: ['add', 'remove', 'rename', 'retype', 'setRequired'] },
                attribute: NAME,
                to: NAME,
                type: { enum: ATTRIBUTE_TYPES },
                unit: { type: ['string', 'null'] },
                required: { type: 'boolean' },
                dictionary: { type: ['string', 'null'] },
                default: {},
                onUnconvertible: POLICY,
              },
              additionalProperties: false,
              allOf: [
                { if: { properties: { op: { const: 'add' } } }, then: { required: ['type'] } },
                { if: { properties: { op: { const: 'rename' } } }, then: { required: ['to'] } },
                { if: { properties: { op: { const: 'retype' } } }, then: { required: ['type'] } },
                { if: { properties: { op: { const: 'setRequired' } } }, then: { required: ['required'] } },
              ],
            },
          },
        },
      },
    },
  },
} as const;

const validateShape = new Ajv2020({ allErrors: false, strict: false }).compile(CHANGE_SET_SCHEMA);

/** A change set that cannot be applied, with where in it. */
export class ChangeSetInvalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Checks the shape of a change set; throws ChangeSetInvalid naming the first problem. */
export function parseChangeSet(value: unknown): ChangeSet {
  if (!validateShape(value)) {
    const error = validateShape.errors![0]!;
    throw new ChangeSetInvalid(`changeSet${error.instancePath.replaceAll('/', '.')}`, error.message ?? 'invalid');
  }
  const changeSet = value as unknown as ChangeSet;
  const seen = new Set<string>();
  changeSet.classes.forEach((c, i) => {
    if (seen.has(c.class)) throw new ChangeSetInvalid(`changeSet.classes.${i}.class`, `class ${c.class} comes twice`);
    seen.add(c.class);
  });
  return changeSet;
}

/** What applying the operations to a class's attribute set gives, and how each object value moves. */
export interface ClassPlan {
  layer: string;
  before: ClassAttributeRow[];
  after: ClassAttributeRow[];
  operations: Operation[];
}

/**
 * Applies the operations of one class to its attribute set; throws ChangeSetInvalid when one names
 * an attribute the set lacks, adds one it has, or names an unknown dictionary.
 */
export function planClass(
  change: ClassChange,
  index: number,
  before: readonly ClassAttributeRow[],
  dictionaries: ReadonlySet<string>,
): ClassPlan {
  const attributes = new Map(before.map((row) => [row.name, { ...row }]));
  change.operations.forEach((operation, j) => {
    const at = `changeSet.classes.${index}.operations.${j}`;
    const existing = attributes.get(operation.attribute);
    if (operation.op !== 'add' && !existing) {
      throw new ChangeSetInvalid(at, `class ${change.class} has no attribute ${operation.attribute}`);
    }
    switch (operation.op) {
      case 'add': {
        if (existing)
          throw new ChangeSetInvalid(at, `class ${change.class} already has attribute ${operation.attribute}`);
        if (operation.dictionary && !dictionaries.has(operation.dictionary)) {
          throw new ChangeSetInvalid(`${at}.dictionary`, `the project has no dictionary ${operation.dictionary}`);
        }
        attributes.set(operation.attribute, {
          layer: change.class,
          name: operation.attribute,
          type: operation.type,
          unit: operation.unit ?? null,
          required: operation.required ?? false,
          dictionary: operation.dictionary ?? null,
          defaultValue: operation.default ?? null,
          position: Math.max(0, ...[...attributes.values()].map((a) => a.position)) + 1,
        });
        break;
      }
      case 'remove':
        attributes.delete(operation.attribute);
        break;
      case 'rename': {
        if (attributes.has(operation.to)) {
          throw new ChangeSetInvalid(`${at}.to`, `class ${change.class} already has attribute ${operation.to}`);
        }
        attributes.delete(operation.attribute);
        attributes.set(operation.to, { ...existing!, name: operation.to });
        break;
      }
      case 'retype':
        existing!.type = operation.type;
        if (operation.default !== undefined) existing!.defaultValue = operation.default;
        break;
      case 'setRequired':
        existing!.required = operation.required;
        if (operation.default !== undefined) existing!.defaultValue = operation.default;
        break;
    }
  });
  const after = [...attributes.values()].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  return { layer: change.class, before: [...before], after, operations: change.operations };
}

/**
 * The change set that undoes `plans`: per class the inverse operations in reverse order (readable,
 * and what the customer signs), marked `reverses` so that applying it restores the recorded
 * attribute sets and archived values exactly rather than converting values back.
 */
export function reverseChangeSet(changeId: string, plans: readonly ClassPlan[]): ChangeSet {
  return {
    reverses: changeId,
    classes: plans.map((plan) => {
      const byName = new Map(plan.before.map((row) => [row.name, row]));
      const names = new Map<string, string>(); // current name → name before the change
      for (const row of plan.before) names.set(row.name, row.name);
      const inverse: Operation[] = [];
      for (const operation of plan.operations) {
        const original = byName.get(names.get(operation.attribute) ?? operation.attribute);
        switch (operation.op) {
          case 'add':
            inverse.unshift({ op: 'remove', attribute: operation.attribute });
            break;
          case 'remove':
            inverse.unshift(addOf(original!));
            names.delete(operation.attribute);
            break;
          case 'rename':
            inverse.unshift({ op: 'rename', attribute: operation.to, to: operation.attribute });
            names.set(operation.to, names.get(operation.attribute) ?? operation.attribute);
            names.delete(operation.attribute);
            break;
          case 'retype':
            if (original) inverse.unshift({ op: 'retype', attribute: operation.attribute, type: original.type });
            break;
          case 'setRequired':
            if (original)
              inverse.unshift({ op: 'setRequired', attribute: operation.attribute, required: original.required });
            break;
        }
      }
      return { class: plan.layer, operations: inverse };
    }),
  };
}

function addOf(row: ClassAttributeRow): Operation {
  return {
    op: 'add',
    attribute: row.name,
    type: row.type,
    unit: row.unit,
    required: row.required,
    dictionary: row.dictionary,
    ...(row.defaultValue === null ? {} : { default: row.defaultValue }),
  };
}
