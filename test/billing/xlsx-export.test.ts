import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_CSV_COLUMNS } from '../../api/billing-csv.ts';
import { insertSeedEngagements, insertSeedEntries } from '../../db/queries/ledger-seed.ts';
import { seedFormulaCustomer } from '../helpers/billing.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/** Finance downloads the billing records of a customer whose name is a formula, as XLSX. */
describe('the billing export as XLSX over HTTP', () => {
  let stack: TestStack;
  const SEEDED = 40;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await seedFormulaCustomer(stack.pool);
    const engagementIds = await insertSeedEngagements(stack.pool, {
      customerId: 'formula-co',
      serviceCode: 'X-AUDIT',
      count: 2,
      launchedBy: 'olena.pm',
      projectId: null,
    });
    await insertSeedEntries(stack.pool, {
      rateCardId: 'rc-demo',
      performedBy: 'taras.eng2',
      billable: true,
      engagementIds,
      count: SEEDED,
      recordedFrom: new Date('2026-01-01T00:00:00+02:00'),
      recordedTo: new Date('2026-03-01T00:00:00+02:00'),
      contractId: 'oo-formula',
      batch: 'xlsx',
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const download = (userId: string, query: string) =>
    fetch(`${stack.url}/v1/billing/records.xlsx?${query}`, {
      headers: { authorization: `Bearer ${stack.keys[userId]}` },
    });

  it('when finance downloads a customer’s records, then the workbook parses back with the CSV’s columns, numbers, dates, Cyrillic and the formula name as text', async () => {
    const response = await download('maria.finance', 'customer=formula-co&from=2026-01-01&to=2026-03-31');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toContain('billing-records_2026-01-01_2026-03-31.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Billing records')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(BILLING_CSV_COLUMNS.map((c) => c.header));
    expect(sheet.rowCount).toBe(1 + SEEDED);
    const at = (row: number, header: string) => sheet.getRow(row).getCell(headers.indexOf(header) + 1);
    for (let row = 2; row <= sheet.rowCount; row += 1) {
      const name = at(row, 'Customer');
      expect(name.type).toBe(ExcelJS.ValueType.String);
      expect(name.value).toBe('=SUM(A1:A9)');
      expect(at(row, 'Contract number').value).toBe('РП-11/2026');
      const hours = at(row, 'Norm-hours').value as number;
      expect(typeof hours).toBe('number');
      expect(Math.round(hours * 4)).toBe(hours * 4); // seeded in quarters of an hour
      const amount = at(row, 'Amount excl. VAT').value as number;
      const rate = at(row, 'Rate, UAH per norm-hour').value as number;
      expect(amount).toBeCloseTo(hours * rate, 2);
      expect(at(row, 'Amount incl. VAT').value).toBeCloseTo(amount + (at(row, 'VAT').value as number), 2);
      expect(at(row, 'Recorded on').value).toBeInstanceOf(Date);
    }
  });

  it('when an engineer asks for it, then 403; a bad filter, then 400 pointing at it', async () => {
    expect((await download('andrii.eng1', 'customer=formula-co')).status).toBe(403);
    const bad = await download('maria.finance', 'from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('from');
  });
});
