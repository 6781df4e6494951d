/**
 * `exchange.testInterface`: a real test exchange through the interface an X-EXCH engagement built.
 * It probes the destination (log in, write, rename, read, remove a probe file), produces a sample
 * of the data, validates it against the format (and the XSD), transfers it atomically, reads it back
 * and compares checksum and row count. Every check is in the report, which is the step's artifact;
 * `ok` is true only when all passed.
 */
import { randomBytes } from 'node:crypto';
import { fileNameFor } from '../../definitions/exchange/exchange-loader.ts';
import type { ExchangeSpec } from '../../definitions/exchange/exchange-spec.ts';
import type { Queryable } from '../../db/pool.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { openDestination, type Destination } from './destinations.ts';
import { countRows, renderTable, validateFile } from './formats.ts';
import { readSource } from './source.ts';
import { deliver } from './transfer.ts';

/** Rows the sample holds at most: enough to show every column, small enough to read. */
export const SAMPLE_ROWS = 100;

export interface ExchangeCheck {
  name: 'login' | 'write' | 'rename' | 'read' | 'remove' | 'sample' | 'format' | 'transfer';
  ok: boolean;
  detail: string;
}

export interface ExchangeTestReport {
  exchange: string;
  destination: string;
  ok: boolean;
  checks: ExchangeCheck[];
  sample: { fileName: string; rows: number; bytes: number; sha256: string } | null;
  testedAt: string;
}

async function probe(destination: Destination, checks: ExchangeCheck[]): Promise<boolean> {
  const name = `.potik-probe-${randomBytes(6).toString('hex')}`;
  const content = Buffer.from(`potik probe ${new Date().toISOString()}\n`);
  const step = async (check: ExchangeCheck['name'], work: () => Promise<string>) => {
    try {
      checks.push({ name: check, ok: true, detail: await work() });
      return true;
    } catch (error) {
      checks.push({ name: check, ok: false, detail: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  return (
    (await step('write', async () => {
      await destination.write(`${name}.part`, content);
      return `wrote ${name}.part`;
    })) &&
    (await step('rename', async () => {
      await destination.rename(`${name}.part`, name);
      return `renamed it to ${name}`;
    })) &&
    (await step('read', async () => {
      const back = await destination.read(name);
      if (!back || sha256Hex(back) !== sha256Hex(content)) throw new Error('the probe reads back differently');
      return 'read it back unchanged';
    })) &&
    (await step('remove', async () => {
      await destination.remove(name);
      if (await destination.read(name)) throw new Error('the probe is still there after removing it');
      return 'removed it';
    }))
  );
}

/** Runs the test exchange; never throws for a failed check (the report says), only for a broken spec. */
export async function testExchange(
  db: Queryable,
  spec: ExchangeSpec,
  schema: string,
  now: Date,
): Promise<ExchangeTestReport> {
  const checks: ExchangeCheck[] = [];
  const report = (destination: string, sample: ExchangeTestReport['sample']): ExchangeTestReport => ({
    exchange: spec.id,
    destination,
    ok: checks.every((c) => c.ok),
    checks,
    sample,
    testedAt: now.toISOString(),
  });
  let destination: Destination;
  try {
    destination = await openDestination(spec.destination);
    checks.push({ name: 'login', ok: true, detail: `connected to ${destination.where}` });
  } catch (error) {
    checks.push({ name: 'login', ok: false, detail: error instanceof Error ? error.message : String(error) });
    return report(spec.destination.kind, null);
  }
  try {
    if (!(await probe(destination, checks))) return report(destination.where, null);
    const table = await readSource(
      db,
      schema,
      spec.direction === 'in' ? { ...spec.source, kind: 'readings' } : spec.source,
      {
        period: now,
        previousPeriod: null,
      },
    );
    const sample = { ...table, rows: table.rows.slice(0, SAMPLE_ROWS) };
    checks.push({ name: 'sample', ok: true, detail: `${sample.rows.length} of ${table.rows.length} rows` });
    const bytes = renderTable(sample, spec.format);
    const problems = await validateFile(bytes, spec.format);
    checks.push({
      name: 'format',
      ok: problems.length === 0,
      detail:
        problems.length === 0
          ? `valid ${spec.format.kind}${spec.format.xsd ? ' against the XSD' : ''}`
          : problems.join('; '),
    });
    if (problems.length > 0) return report(destination.where, null);
    const fileName = `test-${fileNameFor(spec.naming, now)}`;
    try {
      const { sha256 } = await deliver(destination, fileName, bytes, {
        rows: sample.rows.length,
        count: (b) => countRows(b, spec.format),
      });
      checks.push({
        name: 'transfer',
        ok: true,
        detail: `${fileName}: checksum and ${sample.rows.length} rows read back`,
      });
      return report(destination.where, { fileName, rows: sample.rows.length, bytes: bytes.length, sha256 });
    } catch (error) {
      checks.push({ name: 'transfer', ok: false, detail: error instanceof Error ? error.message : String(error) });
      return report(destination.where, null);
    }
  } finally {
    await destination.close();
  }
}
