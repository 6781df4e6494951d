/**
 * The customer's measurements (docs/calibration.md): a CSV file with one reading per line —
 * `kind` (pressure | head | flow), `point` (a node id for pressure and head, a section id for flow),
 * `value` (m of water column, m, m³/h) and an optional `note`. Both the finance export's shape
 * (UTF-8 with BOM, `;`, decimal comma) and plain comma-separated CSV with a decimal point are read.
 * A head (or pressure) reading at a source is the source's fixed head, not a comparison point.
 */
import { ModelInputError } from './network-model.ts';

export const READING_KINDS = ['pressure', 'head', 'flow'] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

export interface Reading {
  kind: ReadingKind;
  point: string;
  /** m (pressure, head) or m³/h (flow magnitude). */
  value: number;
  note: string | null;
  /** Where it came from: `file:line`. */
  at: string;
}

const REQUIRED = ['kind', 'point', 'value'] as const;

/** Splits one line at `separator`, honouring RFC 4180 quotes. */
function cells(line: string, separator: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out.map((value) => value.trim());
}

/** Reads one measurement file; every error names `file:line` and what to change. */
export function parseMeasurements(file: string, content: string): Reading[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const separator = headerLine.includes(';') ? ';' : ',';
  const header = cells(headerLine, separator).map((h) => h.toLowerCase());
  const missing = REQUIRED.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new ModelInputError(
      `${file}:1: the header must name the columns kind, point, value (and optionally note); missing: ${missing.join(', ')}`,
      'measurements-invalid',
    );
  }
  const column = (name: string) => header.indexOf(name);
  const readings: Reading[] = [];
  const seen = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const at = `${file}:${i + 1}`;
    const row = cells(line, separator);
    const kind = (row[column('kind')] ?? '').toLowerCase();
    if (!(READING_KINDS as readonly string[]).includes(kind)) {
      throw new ModelInputError(
        `${at}: kind must be one of ${READING_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
        'measurements-invalid',
      );
    }
    const point = row[column('point')] ?? '';
    if (point === '') throw new ModelInputError(`${at}: point is empty (a node or section id)`, 'measurements-invalid');
    const text = (row[column('value')] ?? '').replace(/\s/g, '');
    const value = Number(separator === ';' ? text.replace(',', '.') : text);
    if (text === '' || !Number.isFinite(value)) {
      throw new ModelInputError(`${at}: value must be a number, got ${JSON.stringify(text)}`, 'measurements-invalid');
    }
    const key = `${kind}:${point}`;
    const earlier = seen.get(key);
    if (earlier) {
      throw new ModelInputError(
        `${at}: a second ${kind} reading at ${point} (the first is at ${earlier})`,
        'measurements-invalid',
      );
    }
    seen.set(key, at);
    const note = column('note') >= 0 ? row[column('note')] || null : null;
    readings.push({ kind: kind as ReadingKind, point, value, note, at });
  }
  if (readings.length === 0) throw new ModelInputError(`${file}: no readings below the header`, 'measurements-invalid');
  return readings;
}

/** `kind:point`, the key a reading is named by in reports and in `exclude`. */
export function readingKey(reading: Pick<Reading, 'kind' | 'point'>): string {
  return `${reading.kind}:${reading.point}`;
}
