/**
 * CSV as the counterpart asks for it: its delimiter, its line ending, its decimal mark and its
 * encoding (cp1251 is what most Ukrainian billing systems still read). Quoting per RFC 4180. Unlike
 * the finance export (lib/csv.ts) nothing is escaped for spreadsheets: the file is read by a
 * program, and must say exactly what the project holds.
 */
import iconv from 'iconv-lite';
import type { ExchangeFormat } from '../../definitions/exchange/exchange-spec.ts';
import type { Cell, ExchangeTable } from './table.ts';

function formatCell(cell: Cell, format: ExchangeFormat): string {
  if (cell === null) return '';
  let text: string;
  if (typeof cell === 'number') text = format.decimalMark === ',' ? String(cell).replace('.', ',') : String(cell);
  else if (typeof cell === 'boolean') text = cell ? 'true' : 'false';
  else text = cell;
  return text.includes(format.delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table as CSV text (not yet encoded). */
export function renderCsv(table: ExchangeTable, format: ExchangeFormat): string {
  const lines: string[] = [];
  if (format.header) lines.push(table.columns.map((c) => formatCell(c, format)).join(format.delimiter));
  for (const row of table.rows) lines.push(row.cells.map((c) => formatCell(c, format)).join(format.delimiter));
  return lines.length === 0 ? '' : lines.join(format.lineEnding) + format.lineEnding;
}

/** Text in the format's encoding. Characters the encoding lacks are refused, not replaced by `?`. */
export function encodeText(text: string, format: ExchangeFormat): Buffer {
  if (format.encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const bytes = iconv.encode(text, format.encoding);
  const back = iconv.decode(bytes, format.encoding);
  if (back !== text) {
    const at = [...text].findIndex((ch, i) => ch !== [...back][i]);
    const ch = [...text][at] ?? '?';
    throw new Error(
      `the character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) cannot be written in ${format.encoding}`,
    );
  }
  return bytes;
}

export function decodeText(bytes: Buffer, format: ExchangeFormat): string {
  return format.encoding === 'utf-8'
    ? bytes.toString('utf8').replace(/^\uFEFF/, '')
    : iconv.decode(bytes, format.encoding);
}

/** Parses CSV text into records of strings (RFC 4180 quoting; either line ending). */
export function parseCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      endField();
      records.push(record);
      record = [];
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (field !== '' || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}
