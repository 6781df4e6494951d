/**
 * CSV for the finance export, in the shape Ukrainian Excel opens without an import wizard: UTF-8
 * with a BOM (so Cyrillic is not read as cp1251), `;` between cells (the decimal comma is taken),
 * CRLF line ends, numbers with a decimal comma, quoting per RFC 4180.
 *
 * Formula injection: a text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`,
 * so a customer named `=SUM(A1:A9)` is shown as text, never evaluated. Only text is escaped — the
 * cell's type decides, not its content: numbers, bigints and decimals (money, hours) are written by
 * us from numeric values, can only look like `-1234,56`, and stay numeric in Excel even when
 * negative. A text that merely looks like a negative number (`'-5'`) is escaped like any other text.
 *
 * Rows stream one at a time (Transform or async generator), so memory does not grow with the export.
 */
import { Transform } from 'node:stream';
import { formatDecimal } from './money.ts';

/** An exact decimal as a scaled integer: 123456 kopecks is `{ scaled: 123456, scale: 2 }`. */
export interface CsvDecimal {
  readonly scaled: number | bigint;
  readonly scale: number;
}

/** null/undefined make an empty cell. */
export type CsvCell = string | number | bigint | CsvDecimal | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvCell;
}

export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR = ';';
export const CSV_LINE_END = '\r\n';

/** Money in kopecks as a numeric cell with two decimals: -123456 → `-1234,56`. */
export function csvMoney(kopecks: number | bigint): CsvDecimal {
  return { scaled: kopecks, scale: 2 };
}

/** Norm-hours in hundredths as a numeric cell: 1250 → `12,50`. */
export function csvHours(hundredths: number): CsvDecimal {
  return { scaled: hundredths, scale: 2 };
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[;"\r\n]/;

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a CSV number must be finite, got ${value}`);
  if (Number.isSafeInteger(value)) return value === 0 ? '0' : String(value); // no "-0"
  if (Number.isInteger(value)) return BigInt(value).toString(); // no exponent for 1e21
  let text = String(value);
  if (text.includes('e')) text = value.toFixed(20).replace(/0+$/, '');
  return text.replace('.', ',');
}

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One cell, escaped and quoted as needed. */
export function formatCsvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return quote(FORMULA_START.test(cell) ? `'${cell}` : cell);
  if (typeof cell === 'number') return formatNumber(cell);
  if (typeof cell === 'bigint') return cell.toString();
  return formatDecimal(cell.scaled, cell.scale, { group: '' });
}

/** One line including its CRLF. */
export function formatCsvRecord(cells: readonly CsvCell[]): string {
  return cells.map(formatCsvCell).join(CSV_SEPARATOR) + CSV_LINE_END;
}

function head<Row>(columns: readonly CsvColumn<Row>[]): string {
  return CSV_BOM + formatCsvRecord(columns.map((column) => column.header));
}

/** One row's line, built without intermediate arrays: exports run it a million times. */
function line<Row>(columns: readonly CsvColumn<Row>[], row: Row): string {
  let text = formatCsvCell(columns[0]!.value(row));
  for (let i = 1; i < columns.length; i += 1) text += CSV_SEPARATOR + formatCsvCell(columns[i]!.value(row));
  return text + CSV_LINE_END;
}

/**
 * Object rows in, CSV text out (BOM and header first, also when there are no rows). Backpressure
 * holds: a slow reader stops the rows from being pulled, e.g. in
 * `pipeline(Readable.from(cursor), createCsvTransform(columns), response)`.
 */
export function createCsvTransform<Row>(columns: readonly CsvColumn<Row>[]): Transform {
  let started = false;
  return new Transform({
    writableObjectMode: true,
    transform(row: Row, _encoding, callback) {
      try {
        const text = started ? line(columns, row) : head(columns) + line(columns, row);
        started = true;
        callback(null, text);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      callback(null, started ? undefined : head(columns));
    },
  });
}

/** The same text as an async generator of chunks of about `chunkSize` characters. */
export async function* csvChunks<Row>(
  rows: AsyncIterable<Row> | Iterable<Row>,
  columns: readonly CsvColumn<Row>[],
  chunkSize = 64 * 1024,
): AsyncGenerator<string, void, undefined> {
  async function* single(): AsyncGenerator<readonly Row[], void, undefined> {
    for await (const row of rows) yield [row];
  }
  yield* csvBatchChunks(single(), columns, chunkSize);
}

/**
 * The same from rows that arrive in batches (a cursor's FETCH): each batch is formatted in one
 * synchronous pass, so a million rows cost a few hundred awaits, not a million.
 */
export async function* csvBatchChunks<Row>(
  batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
  columns: readonly CsvColumn<Row>[],
  chunkSize = 64 * 1024,
): AsyncGenerator<string, void, undefined> {
  let buffer = head(columns);
  for await (const batch of batches) {
    for (const row of batch) {
      buffer += line(columns, row);
      if (buffer.length >= chunkSize) {
        yield buffer;
        buffer = '';
      }
    }
  }
  if (buffer.length > 0) yield buffer;
}
