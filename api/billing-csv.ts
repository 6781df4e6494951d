/**
 * The finance export (DOMAIN.md "Finance export") as CSV columns over billing records: one row per
 * ledger entry, which sums to the act lines that bill it. Shared by `GET /v1/billing/records`
 * (text/csv) and `potik billing export`, so both write the same file.
 */
import type { BillingExportRow } from '../db/queries/billing-records.ts';
import { csvBatchChunks, csvHours, csvMoney, type CsvColumn } from '../lib/csv.ts';

const KIND_LABEL: Record<string, string> = {
  SUPPLY_IMPLEMENTATION: 'supply/implementation',
  ANNUAL_SUPPORT: 'annual support',
  ONE_OFF_SERVICES: 'one-off services',
  CLOUD_ACCESS: 'cloud access',
};

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** What the columns read: a record as the export cursor returns it (a full record will do). */
type CsvRecord = BillingExportRow;

/** Finance columns first, then the internal sheet (actual hours, engineer, variance). */
export const BILLING_CSV_COLUMNS: readonly CsvColumn<CsvRecord>[] = [
  { header: 'Period', value: (r) => r.period },
  { header: 'Recorded on', value: (r) => r.recorded_on },
  { header: 'Entry', value: (r) => r.id },
  { header: 'Reverses entry', value: (r) => r.reverses_id },
  { header: 'Customer EDRPOU', value: (r) => r.customer_edrpou },
  { header: 'Customer', value: (r) => r.customer_name },
  { header: 'Customer VAT payer', value: (r) => yesNo(r.customer_vat_payer) },
  { header: 'Contract number', value: (r) => r.contract_number },
  { header: 'Contract date', value: (r) => r.contract_signed_at },
  {
    header: 'Contract kind',
    value: (r) => (r.contract_kind === null ? null : (KIND_LABEL[r.contract_kind] ?? r.contract_kind)),
  },
  { header: 'Prozorro ID', value: (r) => r.prozorro_id },
  { header: 'CPV code', value: (r) => r.cpv_code },
  { header: 'Engagement', value: (r) => r.engagement_id },
  { header: 'Service code', value: (r) => r.service_code },
  { header: 'Service', value: (r) => r.service_name },
  { header: 'Project', value: (r) => r.project_id },
  { header: 'Act number', value: (r) => r.act_number },
  { header: 'Act date', value: (r) => r.act_date },
  { header: 'Act status', value: (r) => r.act_status },
  { header: 'Category', value: (r) => r.category },
  { header: 'Act line', value: (r) => r.line },
  { header: 'Billable', value: (r) => yesNo(r.billable) },
  { header: 'Norm-hours', value: (r) => csvHours(r.norm_hundredths) },
  { header: 'Rate, UAH per norm-hour', value: (r) => csvMoney(r.rate_kopecks) },
  { header: 'Amount excl. VAT', value: (r) => csvMoney(r.amount_kopecks) },
  { header: 'VAT rate, %', value: (r) => r.vat_rate_percent },
  { header: 'VAT', value: (r) => csvMoney(r.vat_kopecks) },
  { header: 'Amount incl. VAT', value: (r) => csvMoney(r.amount_kopecks + r.vat_kopecks) },
  { header: 'Currency', value: () => 'UAH' },
  { header: 'Actual hours', value: (r) => (r.actual_hundredths === null ? null : csvHours(r.actual_hundredths)) },
  { header: 'Engineer', value: (r) => r.performer_name ?? r.performed_by },
  {
    header: 'Variance, hours',
    value: (r) => (r.actual_hundredths === null ? null : csvHours(r.actual_hundredths - r.norm_hundredths)),
  },
];

/** The export as text chunks (BOM and header first, also when nothing matches), from batches of records. */
export function billingCsvChunks(
  batches: AsyncIterable<readonly CsvRecord[]> | Iterable<readonly CsvRecord[]>,
): AsyncGenerator<string, void, undefined> {
  return csvBatchChunks(batches, BILLING_CSV_COLUMNS);
}
