import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderActPdf, type ActDocument } from './act-pdf.ts';

/** An act as finance issues it: two categories of a data import, VAT 20 %. */
const ACT: ActDocument = {
  number: '2026-0007',
  date: '2026-03-31',
  place: 'Харків',
  vendor: {
    name: 'ТОВ «ІВК „Потік-Модель“»',
    edrpou: '38123456',
    address: '61002, м.\u00a0Харків, вул.\u00a0Сумська, 10',
    vatNumber: '381234520381',
    signatory: { position: 'Директор', name: 'Ковальчук Г.\u00a0М.' },
  },
  customer: {
    name: 'КП «Харківводоканал»',
    edrpou: '03361715',
    address: '61013, м.\u00a0Харків, вул.\u00a0Шевченка, 2',
    vatNumber: '033617120377',
    signatory: { position: 'Головний інженер', name: 'Петренко О.\u00a0В.' },
  },
  basis: 'договір № 17/2026 від 15.01.2026',
  lines: [
    {
      description: 'Імпорт і конвертація даних (X-IMPORT)',
      category: 'LEAD',
      normHours: 1200,
      rateKopecks: 115_000,
      amountExclVat: 1_380_000,
    },
    {
      description: 'Імпорт і конвертація даних (X-IMPORT)',
      category: 'ENG_I',
      normHours: 4850,
      rateKopecks: 95_000,
      amountExclVat: 4_607_500,
    },
  ],
  vatRatePercent: 20,
  totals: { amountExclVat: 5_987_500, vat: 1_197_500, amountInclVat: 7_185_000 },
  notice: null,
};

const run = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8' });

describe('the act of services rendered as a PDF', () => {
  let dir: string;
  let pdf: Buffer;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'act-pdf-'));
    pdf = await renderActPdf(ACT);
    file = join(dir, 'act.pdf');
    writeFileSync(file, pdf);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when an act is rendered twice, then the two files are byte-identical', async () => {
    const again = await renderActPdf(structuredClone(ACT));
    expect(createHash('sha256').update(again).digest('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));
  });

  it('when its text is extracted, then every field Law 996-XIV art. 9 asks for is on it, in Ukrainian', () => {
    const text = run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).replace(/[ \u00a0]+/g, ' ');
    for (const field of [
      'АКТ № 2026-0007', // name and number of the document
      'надання послуг',
      '«31» березня 2026 р.', // date
      'м. Харків', // place
      'Виконавець: ТОВ «ІВК „Потік-Модель“»', // parties and their codes
      'код ЄДРПОУ 38123456',
      'Замовник: КП «Харківводоканал»',
      'код ЄДРПОУ 03361715',
      'договір № 17/2026 від 15.01.2026',
      'провідний інженер', // content and volume by qualification category
      'інженер I категорії',
      'норм-год',
      '12,00',
      '48,50',
      'Разом без ПДВ: 59 875,00 грн', // amounts without VAT, VAT, total
      'ПДВ 20 %: 11 975,00 грн',
      'Усього з ПДВ: 71 850,00 грн',
      'Сімдесят одна тисяча вісімсот п’ятдесят гривень 00 копійок', // total in words
      'одинадцять тисяч дев’ятсот сімдесят п’ять гривень 00 копійок',
      'Директор', // positions and names of those responsible
      'Ковальчук Г. М.',
      'Головний інженер',
      'Петренко О. В.',
      '(підпис)', // places for signatures
    ]) {
      expect(text).toContain(field);
    }
    expect(text.match(/\(підпис\)/g)).toHaveLength(2);
  });

  it('when its fonts are listed, then every font is embedded (as a subset), so the file can be signed as it is', () => {
    const rows = run('pdffonts', [file]).trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      // name type encoding emb sub uni object ID
      expect(row).toMatch(/^[A-Z]{6}\+DejaVuSans\S*\s.*\byes\s+yes\s+yes\s/);
    }
  });

  it('when it is rendered to PNG, then one A4 page comes out', () => {
    run('pdftoppm', ['-r', '50', '-png', file, join(dir, 'page')]);
    const pages = readdirSync(dir).filter((name) => name.endsWith('.png'));
    expect(pages).toHaveLength(1);
    const png = readFileSync(join(dir, pages[0]!));
    // 595 × 842 pt at 50 dpi, rounded up: 414 × 585 px
    expect(png.readUInt32BE(16)).toBe(414);
    expect(png.readUInt32BE(20)).toBe(585);
  });
});
