import { describe, expect, it } from 'vitest';
import type { BillingRecordRow } from '../db/queries/billing-records.ts';
import { BILLING_CSV_COLUMNS, billingCsvChunks } from './billing-csv.ts';

const reversal: BillingRecordRow = {
  id: 42,
  recorded_at: new Date('2026-03-01T10:00:00Z'),
  recorded_on: '2026-03-01',
  period: '2026-03',
  customer_id: 'c',
  customer_name: '+380 Водоканал',
  customer_edrpou: '01234567',
  customer_vat_payer: true,
  contract_id: 'k',
  contract_number: 'СП-04/2026',
  contract_signed_at: '2026-01-01',
  contract_kind: 'ANNUAL_SUPPORT',
  prozorro_id: null,
  cpv_code: '72260000-5',
  engagement_id: '0b7c2f5e-8d1a-4b7e-9c3d-2a1f0e9d8c7b',
  service_code: 'X-AUDIT',
  service_name: 'Database audit; integrity control',
  project_id: null,
  step_id: 's',
  iteration: '0',
  act_id: null,
  act_number: null,
  act_date: null,
  act_status: null,
  category: 'ENG_II',
  line: null,
  norm_hundredths: -125,
  actual_hundredths: -150,
  rate_kopecks: 80000,
  amount_kopecks: -100000,
  vat_rate_percent: 20,
  vat_kopecks: -20000,
  billable: true,
  basis: 'b',
  performed_by: 'maria.finance',
  performer_name: null,
  reverses_id: 41,
  reason: 'wrong category',
};

async function text(rows: BillingRecordRow[]): Promise<string> {
  let out = '';
  for await (const chunk of billingCsvChunks([rows.slice(0, 1), rows.slice(1)])) out += chunk;
  return out;
}

describe('finance export columns', () => {
  it('when a reversing entry is written, then money stays numeric and negative, and text is escaped and quoted', async () => {
    const [header, line] = (await text([reversal])).split('\r\n');
    const cells = new Map(
      header!
        .replace('\uFEFF', '')
        .split(';')
        .map((name, i) => [name, i]),
    );
    expect(line).toBe(
      [
        '2026-03',
        '2026-03-01',
        '42',
        '41',
        '01234567',
        "'+380 Водоканал",
        'yes',
        'СП-04/2026',
        '2026-01-01',
        'annual support',
        '',
        '72260000-5',
        '0b7c2f5e-8d1a-4b7e-9c3d-2a1f0e9d8c7b',
        'X-AUDIT',
        '"Database audit; integrity control"',
        '',
        '',
        '',
        '',
        'ENG_II',
        '',
        'yes',
        '-1,25',
        '800,00',
        '-1000,00',
        '20',
        '-200,00',
        '-1200,00',
        'UAH',
        '-1,50',
        'maria.finance',
        '-0,25',
      ].join(';'),
    );
    expect(cells.size).toBe(BILLING_CSV_COLUMNS.length);
  });

  it('when nothing matches, then the file is the BOM and the header alone', async () => {
    const out = await text([]);
    expect(out.startsWith('\uFEFFPeriod;Recorded on;Entry;')).toBe(true);
    expect(out.split('\r\n')).toHaveLength(2);
  });
});
