/**
 * What a change does to one object's attribute values, operation by operation: defaults for added
 * or newly required attributes, removals, renames and conversions. Values that cannot be converted
 * (or a required value with neither a value nor a default) are problems unless the operation says
 * to clear them or put its default in their place. Pure: the engine reads and writes the rows.
 */
import type { ArchiveRow, ObjectValueChange } from '../../db/class-attributes.ts';
import type { Operation } from './change-set.ts';
import { convertValue } from './convert.ts';

/** A value the change cannot take over: the object, the attribute and the value (null: missing). */
export interface UnconvertibleValue {
  object: string;
  class: string;
  attribute: string;
  value: unknown;
  reason: string;
}

const hasValue = (attributes: Record<string, unknown>, name: string) =>
  Object.hasOwn(attributes, name) && attributes[name] !== null;

/** Applies the operations of a class to one object's values; `problems` lists what blocks the change. */
export function changeObjectValues(
  layer: string,
  id: string,
  before: Record<string, unknown>,
  operations: readonly Operation[],
): { after: Record<string, unknown>; problems: UnconvertibleValue[] } {
  const after: Record<string, unknown> = { ...before };
  const problems: UnconvertibleValue[] = [];
  const problem = (attribute: string, value: unknown, reason: string) =>
    problems.push({ object: id, class: layer, attribute, value, reason });
  for (const operation of operations) {
    const name = operation.attribute;
    switch (operation.op) {
      case 'remove':
        delete after[name];
        break;
      case 'rename':
        if (Object.hasOwn(after, name)) {
          after[operation.to] = after[name];
          delete after[name];
        }
        break;
      case 'add':
      case 'retype': {
        if (!hasValue(after, name)) {
          if (operation.op === 'add' && operation.default !== undefined) after[name] = operation.default;
          break;
        }
        const converted = convertValue(after[name], operation.type);
        if (converted) after[name] = converted.value;
        else settle(operation, after, name, () => problem(name, after[name], `not convertible to ${operation.type}`));
        break;
      }
      case 'setRequired':
        if (operation.required && !hasValue(after, name)) {
          if (operation.default !== undefined) after[name] = operation.default;
          else settle(operation, after, name, () => problem(name, after[name] ?? null, 'required but missing'));
        }
        break;
    }
  }
  return { after, problems };
}

/** Applies the operation's policy to a value it cannot take over; `reject` reports it. */
function settle(
  operation: Extract<Operation, { onUnconvertible?: unknown }>,
  after: Record<string, unknown>,
  name: string,
  reject: () => void,
): void {
  const policy = operation.onUnconvertible ?? 'reject';
  if (policy === 'clear') delete after[name];
  else if (policy === 'default' && operation.default !== undefined) after[name] = operation.default;
  else reject();
}

/**
 * How one object's stored values change: the keys to remove and to set, and an archive row for each
 * (its value before is read from the stored object when archived). Null when nothing changes.
 */
export function valueChangeOf(
  layer: string,
  id: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { change: ObjectValueChange; archive: Omit<ArchiveRow, 'beforePresent' | 'beforeValue'>[] } | null {
  const change: ObjectValueChange = { id, remove: [], set: {} };
  const archive: Omit<ArchiveRow, 'beforePresent' | 'beforeValue'>[] = [];
  for (const attribute of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const afterPresent = Object.hasOwn(after, attribute);
    if (
      Object.hasOwn(before, attribute) === afterPresent &&
      JSON.stringify(before[attribute]) === JSON.stringify(after[attribute])
    ) {
      continue;
    }
    if (afterPresent) change.set[attribute] = after[attribute];
    else change.remove.push(attribute);
    archive.push({ layer, objectId: id, attribute, afterPresent, afterValue: afterPresent ? after[attribute] : null });
  }
  return archive.length === 0 ? null : { change, archive };
}
