/**
 * XML files of an exchange: one `record` element per row under the `root` element, one child
 * element per column. Validation against the counterpart's XSD runs Debian's `xmllint` (libxml2)
 * as a program: libxml2 is the reference validator, works offline, and as a separate process it
 * cannot take the worker down the way a native addon could (install: apt-get install libxml2-utils).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExchangeFormat } from '../../definitions/exchange/exchange-spec.ts';
import type { Cell, ExchangeTable } from './table.ts';

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );
}

/** A column name as an element name: letters, digits, `_`, `-`, `.`; never starting with a digit. */
export function elementName(column: string): string {
  const name = column.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? escapeXml(cell) : String(cell);
}

export function renderXml(table: ExchangeTable, format: ExchangeFormat): string {
  const names = table.columns.map(elementName);
  const encoding =
    format.encoding === 'utf-8' ? 'UTF-8' : format.encoding === 'cp1251' ? 'windows-1251' : format.encoding;
  const out = [`<?xml version="1.0" encoding="${encoding}"?>`, `<${format.root}>`];
  for (const row of table.rows) {
    const fields = row.cells.map((cell, i) => (cell === null ? '' : `<${names[i]}>${cellText(cell)}</${names[i]}>`));
    out.push(`  <${format.record}>${fields.join('')}</${format.record}>`);
  }
  out.push(`</${format.root}>`);
  return out.join(format.lineEnding) + format.lineEnding;
}

/** Counts the record elements of a file this module wrote. */
export function countXmlRecords(text: string, format: ExchangeFormat): number {
  return (
    text.split(`<${format.record}>`).length - 1 + (text.match(new RegExp(`<${format.record}/>`, 'g'))?.length ?? 0)
  );
}

/** `xmllint` on PATH unless XMLLINT names another. */
export function xmllintBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.XMLLINT ?? 'xmllint';
}

/** The problems xmllint finds validating `xml` against `xsd` (empty: valid), at most 20 lines. */
export async function validateAgainstXsd(xml: Buffer, xsd: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'potik-xsd-'));
  try {
    await writeFile(join(dir, 'schema.xsd'), xsd);
    await writeFile(join(dir, 'file.xml'), xml);
    const result = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      execFile(
        xmllintBinary(),
        ['--noout', '--nonet', '--schema', join(dir, 'schema.xsd'), join(dir, 'file.xml')],
        { maxBuffer: 4 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new Error(`${xmllintBinary()} is not installed: sudo apt-get install -y libxml2-utils`));
            return;
          }
          resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
        },
      );
    });
    if (result.code === 0) return [];
    return result.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.endsWith('fails to validate'))
      .map((line) => line.replaceAll(`${dir}/`, ''))
      .slice(0, 20);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
