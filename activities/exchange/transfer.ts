/**
 * One period of an exchange, both directions. Out: read the source, write the file in its format,
 * check it (and its XSD), transfer it atomically, read it back and compare checksum and row count.
 * In: read the period's file from the destination and store its readings in the project.
 *
 * A file already at the destination with the same checksum is not written again: a period run
 * twice (a retry, a backfill) leaves the counterpart's file as it was.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { fileNameFor } from '../../definitions/exchange/exchange-loader.ts';
import type { ExchangeSpec } from '../../definitions/exchange/exchange-spec.ts';
import { upsertReadings } from '../../db/project-exchange.ts';
import type { Queryable } from '../../db/pool.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { openDestination, writeAtomically, type Destination } from './destinations.ts';
import { countRows, parseRecords, renderTable, validateFile } from './formats.ts';
import { readSource, type ReadWindow } from './source.ts';

export interface TransferResult {
  direction: 'out' | 'in';
  fileName: string;
  rows: number;
  bytes: number;
  sha256: string;
  /** False when the destination already held this very file. */
  written: boolean;
}

/** Thrown when a written file does not read back as it was sent. */
export function transferMismatch(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'exchange-transfer-mismatch');
}

/** Writes `bytes` as `name` unless the destination has them already; then reads back and compares. */
export async function deliver(
  destination: Destination,
  name: string,
  bytes: Buffer,
  expect: { rows: number; count: (bytes: Buffer) => number },
): Promise<{ sha256: string; written: boolean }> {
  const sha256 = sha256Hex(bytes);
  const existing = await destination.read(name);
  const written = !(existing && sha256Hex(existing) === sha256);
  if (written) await writeAtomically(destination, name, bytes);
  const back = await destination.read(name);
  if (!back) transferMismatch(`${destination.where}: ${name} is not there after the transfer`);
  if (sha256Hex(back) !== sha256)
    transferMismatch(`${destination.where}: ${name} reads back with another checksum than it was sent with`);
  const rows = expect.count(back);
  if (rows !== expect.rows)
    transferMismatch(`${destination.where}: ${name} reads back with ${rows} rows, ${expect.rows} were sent`);
  return { sha256, written };
}

export async function transferPeriod(
  db: Queryable,
  spec: ExchangeSpec,
  schema: string,
  window: ReadWindow,
): Promise<TransferResult> {
  const fileName = fileNameFor(spec.naming, window.period);
  const destination = await openDestination(spec.destination);
  try {
    if (spec.direction === 'in') return await receive(db, spec, schema, destination, fileName, window.period);
    const table = await readSource(db, schema, spec.source, window);
    const bytes = renderTable(table, spec.format);
    const problems = await validateFile(bytes, spec.format);
    if (problems.length > 0)
      throw ApplicationFailure.nonRetryable(
        `${fileName} fails its format: ${problems.join('; ')}`,
        'exchange-file-invalid',
      );
    const { sha256, written } = await deliver(destination, fileName, bytes, {
      rows: table.rows.length,
      count: (b) => countRows(b, spec.format),
    });
    return { direction: 'out', fileName, rows: table.rows.length, bytes: bytes.length, sha256, written };
  } finally {
    await destination.close();
  }
}

async function receive(
  db: Queryable,
  spec: ExchangeSpec,
  schema: string,
  destination: Destination,
  fileName: string,
  period: Date,
): Promise<TransferResult> {
  const bytes = await destination.read(fileName);
  if (!bytes) throw new Error(`${destination.where}: no file ${fileName} for the period ${period.toISOString()} yet`);
  const records = parseRecords(bytes, spec.format);
  const decimal = (text: string | number | null) => {
    if (typeof text === 'number') return text;
    const s = String(text ?? '').trim();
    return s === '' ? NaN : Number(spec.format.decimalMark === ',' ? s.replace(',', '.') : s);
  };
  const readings = records.map((r, index) => {
    const value = decimal(r.value ?? null);
    const readAt = String(r.read_at ?? '');
    if (!r.node_id || !Number.isFinite(value) || Number.isNaN(Date.parse(readAt))) {
      throw ApplicationFailure.nonRetryable(
        `${fileName} row ${index + 1}: needs node_id, read_at (a date-time) and a numeric value`,
        'exchange-file-invalid',
      );
    }
    return { nodeId: String(r.node_id), quantity: spec.source.quantity!, readAt, value };
  });
  await upsertReadings(db, schema, readings, period);
  return {
    direction: 'in',
    fileName,
    rows: readings.length,
    bytes: bytes.length,
    sha256: sha256Hex(bytes),
    written: false,
  };
}
