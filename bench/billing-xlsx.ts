/**
 * The XLSX billing export at 100,000 records: time and peak memory of the streaming writer. Records
 * are generated in memory in batches of 1,000 (as the export cursor hands them over), so the figure
 * is the workbook's cost alone; reading the ledger is measured by bench/billing-export.ts.
 *
 *   npx tsx bench/billing-xlsx.ts            # BENCH_ROWS=… changes the count
 */
import { Writable } from 'node:stream';
import { writeBillingXlsx } from '../api/billing-xlsx.ts';
import type { BillingExportRow } from '../db/queries/billing-records.ts';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);
const BATCH = 1000;
const CATEGORIES = ['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'] as const;

function* batches(): Generator<BillingExportRow[]> {
  for (let from = 0; from < ROWS; from += BATCH) {
    const batch: BillingExportRow[] = [];
    for (let n = from; n < Math.min(ROWS, from + BATCH); n += 1) {
      const norm = ((n % 8) + 1) * 25;
      const rate = 95_000 + (n % 5) * 5_000;
      const amount = Math.round((norm * rate) / 100);
      batch.push({
        id: n + 1,
        recorded_on: `2026-0${1 + (n % 3)}-${String(1 + (n % 28)).padStart(2, '0')}`,
        period: `2026-0${1 + (n % 3)}`,
        customer_name: n % 2 ? 'КП «Харківводоканал»' : '=SUM(A1:A9)',
        customer_edrpou: '03361715',
        customer_vat_payer: true,
        contract_number: 'РП-11/2026',
        contract_signed_at: '2025-12-20',
        contract_kind: 'ONE_OFF_SERVICES',
        prozorro_id: null,
        cpv_code: '72260000-5',
        engagement_id: `0b9b7d3e-0000-4000-8000-${String(n % 50).padStart(12, '0')}`,
        service_code: 'X-AUDIT',
        service_name: 'Аудит і відновлення бази даних',
        project_id: 'vodokanal-main',
        act_number: null,
        act_date: null,
        act_status: null,
        category: CATEGORIES[n % 5]!,
        line: null,
        norm_hundredths: norm,
        actual_hundredths: norm + ((n % 3) - 1) * 25,
        rate_kopecks: rate,
        amount_kopecks: amount,
        vat_rate_percent: 20,
        vat_kopecks: Math.round(amount * 0.2),
        billable: true,
        performed_by: 'taras.eng2',
        performer_name: 'Тарас Шевчук',
        reverses_id: null,
      } as BillingExportRow);
    }
    yield batch;
  }
}

let bytes = 0;
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    bytes += chunk.length;
    done();
  },
});
const started = process.hrtime.bigint();
await writeBillingXlsx(batches(), sink);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `${ROWS} records → ${(bytes / 1024 / 1024).toFixed(1)} MB XLSX in ${seconds.toFixed(2)} s ` +
    `(${Math.round(ROWS / seconds)} records/s); peak RSS ${peakMb.toFixed(0)} MB`,
);
