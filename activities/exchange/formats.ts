/**
 * Writing a table in the exchange's format, and reading a file back: the row count a written file
 * holds (checked after every transfer) and the records of an incoming file.
 */
import type { ExchangeFormat } from '../../definitions/exchange/exchange-spec.ts';
import { decodeText, encodeText, parseCsv, renderCsv } from './csv-format.ts';
import type { ExchangeTable } from './table.ts';
import { countXmlRecords, renderXml, validateAgainstXsd } from './xml-format.ts';

function rowObjects(table: ExchangeTable): Record<string, unknown>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row.cells[i]])));
}

/** The file's bytes. */
export function renderTable(table: ExchangeTable, format: ExchangeFormat): Buffer {
  switch (format.kind) {
    case 'csv':
      return encodeText(renderCsv(table, format), format);
    case 'xml':
      return encodeText(renderXml(table, format), format);
    case 'json':
      return encodeText(`${JSON.stringify(rowObjects(table))}\n`, format);
    case 'geojson': {
      const features = table.rows.map((row) => ({
        type: 'Feature',
        geometry: row.geometry ?? null,
        properties: Object.fromEntries(table.columns.map((c, i) => [c, row.cells[i]])),
      }));
      return encodeText(`${JSON.stringify({ type: 'FeatureCollection', features })}\n`, format);
    }
  }
}

/** The records of a file as objects by column (CSV needs its header). */
export function parseRecords(bytes: Buffer, format: ExchangeFormat): Record<string, string | number | null>[] {
  const text = decodeText(bytes, format);
  if (format.kind === 'json') {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) throw new Error('the JSON file is not a list of records');
    return value as Record<string, string | number | null>[];
  }
  if (format.kind !== 'csv') throw new Error(`${format.kind} files are not read`);
  const [header, ...records] = parseCsv(text, format.delimiter);
  if (!header) return [];
  return records
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? null])));
}

/** How many rows a file of this format holds. */
export function countRows(bytes: Buffer, format: ExchangeFormat): number {
  const text = decodeText(bytes, format);
  switch (format.kind) {
    case 'csv': {
      const records = parseCsv(text, format.delimiter).filter((r) => !(r.length === 1 && r[0] === ''));
      return Math.max(0, records.length - (format.header ? 1 : 0));
    }
    case 'xml':
      return countXmlRecords(text, format);
    case 'json':
      return (JSON.parse(text) as unknown[]).length;
    case 'geojson':
      return (JSON.parse(text) as { features: unknown[] }).features.length;
  }
}

/** Problems of a file against its format (and the XSD, for XML that has one); empty: valid. */
export async function validateFile(bytes: Buffer, format: ExchangeFormat): Promise<string[]> {
  try {
    countRows(bytes, format);
  } catch (error) {
    return [`the file is not valid ${format.kind}: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (format.kind === 'xml' && format.xsd) return validateAgainstXsd(bytes, format.xsd);
  return [];
}
