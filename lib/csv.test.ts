import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createCsvTransform, csvChunks, csvHours, csvMoney, formatCsvCell } from './csv.ts';
import type { CsvCell, CsvColumn } from './csv.ts';

/** RFC 4180 with `;` and CRLF, strict: a bare CR or LF outside quotes, or a stray quote, is an error. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
        if (i < text.length && text[i] !== ';' && text[i] !== '\r')
          throw new Error(`text after a closing quote at ${i}`);
      } else {
        cell += ch;
        i += 1;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ';') {
      record.push(cell);
      cell = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`bare line break at ${i}`);
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || record.length > 0) throw new Error('last line has no CRLF');
  return records;
}

interface ExportRow {
  customer: string;
  edrpou: string;
  hours: number;
  amount: number;
}

const columns: CsvColumn<ExportRow>[] = [
  { header: 'Замовник', value: (row) => row.customer },
  { header: 'ЄДРПОУ', value: (row) => row.edrpou },
  { header: 'Нормо-години', value: (row) => csvHours(row.hours) },
  { header: 'Сума без ПДВ, грн', value: (row) => csvMoney(row.amount) },
];

async function collect(rows: Iterable<ExportRow>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(rows),
    createCsvTransform(columns),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(chunks);
}

const rows: ExportRow[] = [
  { customer: 'КП «Харківські теплові мережі»', edrpou: '31557119', hours: 1250, amount: 1543200 },
  { customer: '=SUM(A1:A9)', edrpou: '00000001', hours: 0, amount: 0 },
  { customer: 'ТОВ "Водоканал"; філія №2', edrpou: '12345678', hours: -1250, amount: -1543200 },
  { customer: 'Рядок\r\nз переносом', edrpou: '-5', hours: 5, amount: 7 },
  { customer: '@cmd', edrpou: '+380501234567', hours: 100, amount: 123456789 },
];

describe('finance CSV', () => {
  it('starts with a UTF-8 BOM and reads back cell for cell, Cyrillic and all', async () => {
    const bytes = await collect(rows);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text.slice(1))).toEqual([
      ['Замовник', 'ЄДРПОУ', 'Нормо-години', 'Сума без ПДВ, грн'],
      ['КП «Харківські теплові мережі»', '31557119', '12,50', '15432,00'],
      ["'=SUM(A1:A9)", '00000001', '0,00', '0,00'],
      ['ТОВ "Водоканал"; філія №2', '12345678', '-12,50', '-15432,00'],
      ['Рядок\r\nз переносом', "'-5", '0,05', '0,07'],
      ["'@cmd", "'+380501234567", '1,00', '1234567,89'],
    ]);
  });

  it('writes the header alone when there are no rows', async () => {
    expect((await collect([])).toString('utf8')).toBe('\uFEFFЗамовник;ЄДРПОУ;Нормо-години;Сума без ПДВ, грн\r\n');
  });

  it('gives the same text as a stream and as an async generator', async () => {
    let generated = '';
    for await (const chunk of csvChunks(rows, columns, 10)) generated += chunk;
    expect(generated).toBe((await collect(rows)).toString('utf8'));
    let empty = '';
    for await (const chunk of csvChunks([], columns)) empty += chunk;
    expect(empty).toBe((await collect([])).toString('utf8'));
  });

  it('fails the stream when a column cannot be computed', async () => {
    const broken: CsvColumn<ExportRow>[] = [{ header: 'x', value: () => Number.NaN }];
    await expect(
      pipeline(Readable.from(rows), createCsvTransform(broken), new Writable({ write: (_c, _e, cb) => cb() })),
    ).rejects.toThrow(/finite/);
  });
});

describe('cells', () => {
  const cases: [CsvCell, string][] = [
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=A1;B1', `"'=A1;B1"`],
    ['a=b', 'a=b'],
    ['', ''],
    ['plain текст', 'plain текст'],
    ['say "hi"', '"say ""hi"""'],
    [null, ''],
    [undefined, ''],
    [-5, '-5'], // a number stays a number: no apostrophe
    [-0, '0'],
    [0.5, '0,5'],
    [-1234.25, '-1234,25'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0,0000001'],
    [123n, '123'],
    [-123n, '-123'],
    [csvMoney(-123456), '-1234,56'],
    [csvMoney(5n), '0,05'],
    [{ scaled: 12345, scale: 3 }, '12,345'],
  ];
  it.each(
    cases.map(
      ([cell, expected]) =>
        [
          JSON.stringify(cell, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined',
          expected,
          cell,
        ] as const,
    ),
  )('%s → %j', (_label, expected, cell) => {
    expect(formatCsvCell(cell)).toBe(expected);
  });

  it('refuses NaN and infinities', () => {
    expect(() => formatCsvCell(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('streaming', () => {
  it('streams a million rows with a bounded number of rows in flight', async () => {
    const total = 1_000_000;
    let produced = 0;
    let consumed = 0;
    let maxInFlight = 0;
    let bytes = 0;
    function* source(): Generator<ExportRow> {
      for (let i = 0; i < total; i += 1) {
        produced += 1;
        maxInFlight = Math.max(maxInFlight, produced - consumed);
        yield { customer: `Замовник ${i}`, edrpou: String(i).padStart(8, '0'), hours: i, amount: i * 100 };
      }
    }
    let slow = 0;
    await pipeline(
      Readable.from(source()),
      createCsvTransform(columns),
      new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          for (const byte of chunk) if (byte === 0x0a) consumed += 1;
          // A slow reader every so often: the source must wait instead of piling rows up in memory.
          if ((slow += 1) % 1000 === 0) setTimeout(callback, 1);
          else callback();
        },
      }),
    );
    expect(consumed).toBe(total + 1);
    expect(bytes).toBeGreaterThan(total * 30);
    expect(maxInFlight).toBeLessThan(2_000);
  }, 60_000);
});
