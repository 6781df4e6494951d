/**
 * Forms from JSON Schema — a task's result form, a definition's launch `inputs` — and back. The
 * console renders one field per property (text, number, yes/no, a choice, lines for a list of
 * texts, rows for a list of objects such as attendance or tie points, a date-time on the Kyiv
 * clock) and reads the posted form into the JSON the API takes. It does not validate: the API does,
 * with its own rules, and each of its field errors (a JSON Pointer) is shown next to its field.
 * A value that is not a number where one is expected is passed on as typed, so the API names it.
 */
import { kyivLocalToIso, isoToKyivLocal } from './kyiv-time.ts';

type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
};

export type FieldKind =
  'multi' | 'text' | 'longtext' | 'number' | 'boolean' | 'choice' | 'lines' | 'rows' | 'datetime' | 'date' | 'json';

export interface FormField {
  /** Form control name: `<prefix>.<property>[.<row>.<property>]`. */
  name: string;
  /** DOM id derived from the name. */
  id: string;
  /** JSON Pointer of the value inside the posted JSON (matches the API's error paths). */
  pointer: string;
  label: string;
  description: string | null;
  required: boolean;
  kind: FieldKind;
  options: string[];
  value: string;
  checked: boolean;
  /** For `multi`: the options chosen. */
  chosen: string[];
  error: string | null;
  /** For `rows`: the columns of the item object, and one set of fields per row. */
  columns: { label: string; required: boolean }[];
  rows: FormField[][];
  minimum: number | null;
  step: string | null;
}

const typeOf = (schema: Schema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

function kindOf(schema: Schema): FieldKind {
  if (schema.enum) return 'choice';
  const type = typeOf(schema);
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'array') {
    const items = schema.items ?? {};
    if (typeOf(items) === 'object' && items.properties) return 'rows';
    if (items.enum) return 'multi';
    if (typeOf(items) === 'string' || typeOf(items) === 'number' || typeOf(items) === 'integer') return 'lines';
    return 'json';
  }
  if (type === 'string') {
    if (schema.format === 'date-time') return 'datetime';
    if (schema.format === 'date') return 'date';
    return 'text';
  }
  return 'json';
}

const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The raw form values (name → text) a field shows: what was posted, else the current JSON value. */
export type RawValues = Record<string, string | string[] | undefined>;

function textOf(value: unknown, kind: FieldKind): string {
  if (value === undefined || value === null) return '';
  if (kind === 'lines') return Array.isArray(value) ? value.map(String).join('\n') : '';
  if (kind === 'datetime' && typeof value === 'string') return isoToKyivLocal(value);
  if (kind === 'json') return JSON.stringify(value);
  return String(value);
}

function chosenOf(raw: RawValues | undefined, name: string, current: unknown): string[] {
  if (raw) {
    const posted = raw[name];
    return posted === undefined ? [] : Array.isArray(posted) ? posted : [posted];
  }
  return Array.isArray(current) ? current.map(String) : [];
}

function rawText(raw: RawValues | undefined, name: string): string | undefined {
  const value = raw?.[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

/**
 * The fields of an object schema. `values` is the current JSON (an earlier result, defaults);
 * `raw` the posted form when re-showing it; `errors` the API's field errors by pointer; `extraRows`
 * how many blank rows to add to which list (the "add a row" button).
 */
export function formFields(
  schema: Schema,
  options: {
    prefix: string;
    pointer?: string;
    values?: Record<string, unknown> | null;
    raw?: RawValues;
    errors?: Map<string, string>;
    extraRows?: Record<string, number>;
  },
): FormField[] {
  const pointerRoot = options.pointer ?? '';
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([property, sub]) => {
    const name = `${options.prefix}.${property}`;
    const pointer = `${pointerRoot}/${property}`;
    const kind = kindOf(sub);
    const current = options.values?.[property] ?? sub.default;
    const posted = rawText(options.raw, name);
    const field: FormField = {
      name,
      id: idOf(name),
      pointer,
      label: sub.title ?? property,
      description: sub.description ?? null,
      required: required.has(property),
      kind,
      options: (sub.enum ?? sub.items?.enum ?? []).map(String),
      chosen: kind === 'multi' ? chosenOf(options.raw, name, current) : [],
      value: posted ?? textOf(current, kind),
      checked: options.raw ? posted === 'true' : current === true,
      error: options.errors?.get(pointer) ?? null,
      columns: [],
      rows: [],
      minimum: typeof sub.minimum === 'number' ? sub.minimum : null,
      step: typeOf(sub) === 'integer' ? '1' : 'any',
    };
    if (kind === 'rows') {
      const items = sub.items!;
      const itemRequired = new Set(items.required ?? []);
      field.columns = Object.entries(items.properties ?? {}).map(([p, s]) => ({
        label: s.title ?? p,
        required: itemRequired.has(p),
      }));
      const postedRows = options.raw ? Number(rawText(options.raw, `${name}.count`) ?? 0) : 0;
      const currentRows = Array.isArray(current) ? current.length : 0;
      const count = Math.max(postedRows, currentRows, sub.minItems ?? 0, 1) + (options.extraRows?.[name] ?? 0);
      for (let row = 0; row < count; row++) {
        const rowValue = Array.isArray(current) ? (current[row] as Record<string, unknown> | undefined) : undefined;
        field.rows.push(
          formFields(items, {
            prefix: `${name}.${row}`,
            pointer: `${pointer}/${row}`,
            values: options.raw ? null : (rowValue ?? null),
            raw: options.raw,
            errors: options.errors,
          }),
        );
      }
    }
    return field;
  });
}

/** Every field error of the API not shown at a field of this form (shown above the form instead). */
export function unplacedErrors(
  fields: FormField[],
  errors: Map<string, string>,
): { pointer: string; message: string }[] {
  const placed = new Set<string>();
  const walk = (list: FormField[]) =>
    list.forEach((f) => {
      placed.add(f.pointer);
      f.rows.forEach(walk);
    });
  walk(fields);
  return [...errors].filter(([pointer]) => !placed.has(pointer)).map(([pointer, message]) => ({ pointer, message }));
}

function numberOrText(text: string): number | string {
  const normal = text.replace(/\s/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : text;
}

function readValue(schema: Schema, kind: FieldKind, text: string): unknown {
  switch (kind) {
    case 'number':
      return numberOrText(text);
    case 'lines': {
      const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const itemType = typeOf(schema.items ?? {});
      return itemType === 'number' || itemType === 'integer' ? lines.map(numberOrText) : lines;
    }
    case 'datetime':
      return kyivLocalToIso(text) ?? text;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * The posted form as the JSON object of the schema: empty fields are left out (the API says when
 * one is required), a row with every field empty is dropped, a checkbox is `true` or `false`.
 */
export function readForm(schema: Schema, body: RawValues, prefix: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [property, sub] of Object.entries(schema.properties ?? {})) {
    const name = `${prefix}.${property}`;
    const kind = kindOf(sub);
    if (kind === 'boolean') {
      if (rawText(body, `${name}.present`) !== undefined) result[property] = rawText(body, name) === 'true';
      continue;
    }
    if (kind === 'multi') {
      const chosen = chosenOf(body, name, undefined);
      if (chosen.length > 0 || rawText(body, `${name}.present`) !== undefined) result[property] = chosen;
      continue;
    }
    if (kind === 'rows') {
      const count = Math.min(Number(rawText(body, `${name}.count`) ?? 0), 1000);
      const rows: Record<string, unknown>[] = [];
      for (let row = 0; row < count; row++) {
        const item = readForm(sub.items!, body, `${name}.${row}`);
        if (Object.keys(item).length > 0) rows.push(item);
      }
      if (rows.length > 0 || rawText(body, `${name}.count`) !== undefined) result[property] = rows;
      continue;
    }
    const text = (rawText(body, name) ?? '').trim();
    if (text === '') continue;
    result[property] = readValue(sub, kind, text);
  }
  return result;
}

/** The API's field errors under `root` (e.g. `/result`) by pointer relative to the form. */
export function errorsByPointer(
  errors: { path: string; message: string }[] | undefined,
  root: string,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors ?? []) {
    if (!e.path.startsWith(root)) continue;
    const pointer = e.path.slice(root.length);
    map.set(pointer, map.has(pointer) ? `${map.get(pointer)}; ${e.message}` : e.message);
  }
  return map;
}
