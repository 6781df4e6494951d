import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { BillingExportRow } from '../db/queries/billing-records.ts';
import { BILLING_CSV_COLUMNS } from './billing-csv.ts';
import { writeBillingXlsx } from './billing-xlsx.ts';

function record(over: Partial<BillingExportRow>): BillingExportRow {
  return {
    id: 1,
    recorded_on: '2026-03-05',
    period: '2026-03',
    customer_name: 'КП «Харківводоканал»',
    customer_edrpou: '03361715',
    customer_vat_payer: true,
    contract_number: '17/2026',
    contract_signed_at: '2026-01-15',
    contract_kind: 'ANNUAL_SUPPORT',
    prozorro_id: null,
    cpv_code: null,
    engagement_id: '0b9b7d3e-0000-4000-8000-000000000001',
    service_code: 'X-IMPORT',
    service_name: 'Імпорт і конвертація даних',
    project_id: 'vodokanal-main',
    act_number: null,
    act_date: null,
    act_status: null,
    category: 'ENG_I',
    line: null,
    norm_hundredths: 1250,
    actual_hundredths: 1100,
    rate_kopecks: 95_056,
    amount_kopecks: 1_188_200,
    vat_rate_percent: 20,
    vat_kopecks: 237_640,
    billable: true,
    performed_by: 'andrii.eng1',
    performer_name: 'Андрій Коваленко',
    reverses_id: null,
    ...over,
  } as BillingExportRow;
}

async function workbookOf(rows: BillingExportRow[]): Promise<ExcelJS.Worksheet> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeBillingXlsx([rows.slice(0, 1), rows.slice(1)], out);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return workbook.getWorksheet('Billing records')!;
}

describe('the billing export as XLSX', () => {
  it('when records are exported, then the columns are the CSV export’s, numbers are numbers, dates are dates and Cyrillic is intact', async () => {
    const sheet = await workbookOf([record({}), record({ id: 2, act_date: '2026-03-31', act_number: '2026-0007' })]);
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(BILLING_CSV_COLUMNS.map((c) => c.header));
    const cell = (row: number, header: string) => sheet.getRow(row).getCell(headers.indexOf(header) + 1);
    expect(sheet.rowCount).toBe(3);
    expect(cell(2, 'Customer').value).toBe('КП «Харківводоканал»');
    expect(cell(2, 'Engineer').value).toBe('Андрій Коваленко');
    expect(cell(2, 'Norm-hours').value).toBe(12.5);
    expect(cell(2, 'Rate, UAH per norm-hour').value).toBe(950.56);
    expect(cell(2, 'Amount excl. VAT').value).toBe(11_882);
    expect(cell(2, 'Amount incl. VAT').value).toBe(14_258.4);
    expect(cell(2, 'Amount incl. VAT').numFmt).toBe('#,##0.00');
    expect(cell(2, 'Variance, hours').value).toBe(-1.5);
    expect(cell(2, 'Recorded on').value).toEqual(new Date('2026-03-05T00:00:00Z'));
    expect(cell(2, 'Act date').value).toBeNull();
    expect(cell(3, 'Act date').value).toEqual(new Date('2026-03-31T00:00:00Z'));
    expect(cell(3, 'Act number').value).toBe('2026-0007');
    expect(cell(2, 'Entry').value).toBe(1);
  });

  it('when a customer name starts with =, then it is stored as text, never as a formula', async () => {
    const sheet = await workbookOf([record({ customer_name: '=SUM(A1:A9)' }), record({ customer_name: '+380 Ltd' })]);
    const column = (sheet.getRow(1).values as unknown[]).indexOf('Customer');
    const name = sheet.getRow(2).getCell(column);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe('=SUM(A1:A9)');
    expect(name.formula).toBeUndefined();
    expect(sheet.getRow(3).getCell(column).value).toBe('+380 Ltd');
  });

  it('when nothing matches, then the workbook still has its header row', async () => {
    const sheet = await workbookOf([]);
    expect(sheet.rowCount).toBe(1);
    expect(sheet.getRow(1).getCell(1).value).toBe('Period');
  });
});
