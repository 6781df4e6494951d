/**
 * The finance export as an XLSX workbook, for finance who open it in Excel or LibreOffice rather than
 * import CSV: the same rows and headers as api/billing-csv.ts, but typed cells — hours and money as
 * numbers (UAH with kopecks, norm-hours with hundredths) with number formats, dates as dates, text as
 * text. A customer name that starts with `=` is a string cell, never a formula: the writer sets no
 * formulas at all. Written row by row with exceljs's streaming writer, so memory stays flat however
 * many records the filters match.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { BillingExportRow } from '../db/queries/billing-records.ts';
import { BILLING_CSV_COLUMNS } from './billing-csv.ts';

type Cell = string | number | Date | null;

interface XlsxColumn {
  header: string;
  width: number;
  /** Excel number format of the column, when its cells are numbers or dates. */
  format?: string;
  value: (r: BillingExportRow) => Cell;
}

const MONEY = '#,##0.00';
const HOURS = '0.00';
const DATE = 'dd.mm.yyyy';

/** A Europe/Kyiv calendar date (YYYY-MM-DD) as the date cell Excel shows for it. */
const day = (text: string | null): Date | null => (text === null ? null : new Date(`${text}T00:00:00Z`));
const hundredths = (value: number): number => value / 100;

/** Columns whose cells are not the CSV's text: the rest take the CSV column's value as it is. */
const TYPED: Record<string, Omit<XlsxColumn, 'header'>> = {
  Period: { width: 10, format: 'mm.yyyy', value: (r) => day(`${r.period}-01`) },
  'Recorded on': { width: 12, format: DATE, value: (r) => day(r.recorded_on) },
  'Contract date': { width: 12, format: DATE, value: (r) => day(r.contract_signed_at) },
  'Act date': { width: 12, format: DATE, value: (r) => day(r.act_date) },
  'Norm-hours': { width: 11, format: HOURS, value: (r) => hundredths(r.norm_hundredths) },
  'Rate, UAH per norm-hour': { width: 14, format: MONEY, value: (r) => hundredths(r.rate_kopecks) },
  'Amount excl. VAT': { width: 14, format: MONEY, value: (r) => hundredths(r.amount_kopecks) },
  VAT: { width: 12, format: MONEY, value: (r) => hundredths(r.vat_kopecks) },
  'Amount incl. VAT': { width: 14, format: MONEY, value: (r) => hundredths(r.amount_kopecks + r.vat_kopecks) },
  'Actual hours': {
    width: 11,
    format: HOURS,
    value: (r) => (r.actual_hundredths === null ? null : hundredths(r.actual_hundredths)),
  },
  'Variance, hours': {
    width: 11,
    format: HOURS,
    value: (r) => (r.actual_hundredths === null ? null : hundredths(r.actual_hundredths - r.norm_hundredths)),
  },
};

export const BILLING_XLSX_COLUMNS: readonly XlsxColumn[] = BILLING_CSV_COLUMNS.map((column) => {
  const typed = TYPED[column.header];
  if (typed) return { header: column.header, ...typed };
  return {
    header: column.header,
    width: column.header === 'Customer' || column.header === 'Service' ? 32 : 14,
    value: (r: BillingExportRow) => {
      const value = column.value(r);
      return value === null || value === undefined ? null : typeof value === 'number' ? value : String(value);
    },
  };
});

/** Writes the workbook (one sheet, header row frozen) to `out` from batches of records. */
export async function writeBillingXlsx(
  batches: AsyncIterable<readonly BillingExportRow[]> | Iterable<readonly BillingExportRow[]>,
  out: Writable,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  // Fixed, so the same records give the same workbook.
  workbook.creator = 'Potik';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const sheet = workbook.addWorksheet('Billing records', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = BILLING_XLSX_COLUMNS.map((c) => ({
    header: c.header,
    width: c.width,
    ...(c.format ? { style: { numFmt: c.format } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const batch of batches) {
    for (const record of batch) sheet.addRow(BILLING_XLSX_COLUMNS.map((c) => c.value(record))).commit();
  }
  sheet.commit();
  await workbook.commit();
}
