import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_CSV_COLUMNS } from '../../api/billing-csv.ts';
import { streamBillingRecords } from '../../db/queries/billing-records.ts';
import {
  insertSeedEngagements,
  insertSeedEntries,
  insertSeedEntryAt,
  upsertSeedCustomer,
} from '../../db/queries/ledger-seed.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';
import {
  parseCsv,
  publishBilledMinimal,
  runBilledEngagement,
  runCli,
  seedFormulaCustomer,
} from '../helpers/billing.ts';

/**
 * Billing records for finance over a ledger written two ways: two engagements run for real
 * (API → Temporal → worker → ledger) for a cloud customer with billed coverage, and 2,500 seeded
 * entries — more than one cursor batch — for two customers whose names test the CSV.
 */
describe('billing records', () => {
  let stack: TestStack;
  const SEEDED = 2500;
  let boundaryBefore: number; // 2026-01-31 23:30 in Kyiv
  let boundaryAfter: number; // 2026-02-01 00:30 in Kyiv
  const MAPA_NAME = 'ТОВ «Мапа»; "Схема" і Ко';

  beforeAll(async () => {
    stack = await startTestStack();
    await publishBilledMinimal(stack);
    await runBilledEngagement(stack, {
      customerId: 'sumy-teplo-cloud',
      projectId: 'sumy-cloud',
      topic: 'Layer styles',
      hoursSpent: 1.5,
    });
    await runBilledEngagement(stack, {
      customerId: 'sumy-teplo-cloud',
      projectId: 'sumy-cloud',
      topic: 'Print templates',
      hoursSpent: 0.75,
    });

    await seedFormulaCustomer(stack.pool);
    await upsertSeedCustomer(stack.pool, { id: 'tov-mapa', name: MAPA_NAME, edrpou: '01234567', vatPayer: false });
    const formula = await insertSeedEngagements(stack.pool, {
      customerId: 'formula-co',
      serviceCode: 'X-AUDIT',
      count: 3,
      launchedBy: 'olena.pm',
      projectId: null,
    });
    const mapa = await insertSeedEngagements(stack.pool, {
      customerId: 'tov-mapa',
      serviceCode: 'X-IMPORT',
      count: 3,
      launchedBy: 'olena.pm',
      projectId: null,
    });
    const common = { rateCardId: 'rc-demo', performedBy: 'taras.eng2', billable: true };
    await insertSeedEntries(stack.pool, {
      ...common,
      engagementIds: formula,
      count: SEEDED / 2,
      recordedFrom: new Date('2026-01-01T00:00:00+02:00'),
      recordedTo: new Date('2026-03-01T00:00:00+02:00'),
      contractId: 'oo-formula',
      batch: 'formula',
    });
    await insertSeedEntries(stack.pool, {
      ...common,
      engagementIds: mapa,
      count: SEEDED / 2,
      recordedFrom: new Date('2026-01-01T00:00:00+02:00'),
      recordedTo: new Date('2026-03-01T00:00:00+02:00'),
      contractId: null,
      batch: 'mapa',
    });
    const boundary = { engagementId: mapa[0]!, normHours: 1.25, rateKopecks: 80000, contractId: null };
    boundaryBefore = await insertSeedEntryAt(stack.pool, {
      ...boundary,
      key: 'boundary:before',
      recordedAt: new Date('2026-01-31T21:30:00Z'),
    });
    boundaryAfter = await insertSeedEntryAt(stack.pool, {
      ...boundary,
      key: 'boundary:after',
      recordedAt: new Date('2026-01-31T22:30:00Z'),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = Record<string, any>;

  async function allPages(query: string, limit: number): Promise<{ pages: number; items: Json[] }> {
    const finance = apiClient(stack, 'maria.finance');
    const items: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await finance(
        'GET',
        `/v1/billing/records?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      items.push(...(page.body.items as Record<string, unknown>[]));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor !== null);
    return { pages, items };
  }

  it('when finance pages through a period with cursors, then every entry comes exactly once, in ledger order', async () => {
    const { pages, items } = await allPages('from=2026-01-01&to=2026-03-31', 97);
    const ids = items.map((item) => item.id as number);
    const expected = await stack.pool.query<{ id: number }>(
      `SELECT id FROM billing_entries WHERE recorded_at >= '2026-01-01T00:00:00+02:00' AND recorded_at < '2026-04-01T00:00:00+03:00' ORDER BY id`,
    );
    expect(expected.rows).toHaveLength(SEEDED + 2);
    expect(ids).toEqual(expected.rows.map((row) => row.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil((SEEDED + 2) / 97));
  });

  it('when the engagements ran for real, then their records carry the cloud contract, basis d and the priced hours', async () => {
    const { items } = await allPages('customer=sumy-teplo-cloud', 10);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      customer: { id: 'sumy-teplo-cloud', name: 'ТОВ «Теплохмара» (демо)', edrpou: '90000003', vatPayer: true },
      contract: { id: 'ca-sumy', kind: 'CLOUD_ACCESS' },
      engagement: { serviceCode: 'X-CONTENT', projectId: 'sumy-cloud' },
      category: 'ENG_I',
      normHours: 1,
      actualHours: 1.5,
      rateKopecks: 95000,
      amountExclVatKopecks: 95000,
      vatRatePercent: 20,
      vatKopecks: 19000,
      amountInclVatKopecks: 114000,
      billable: true,
      basis: 'd',
      performedBy: 'andrii.eng1',
      act: null,
    });
    expect(items[1]).toMatchObject({ actualHours: 0.75, amountExclVatKopecks: 95000 });
  });

  it('when a period is given in Kyiv dates, then 23:30 and 00:30 Kyiv time fall on their own days', async () => {
    const january = await allPages('customer=tov-mapa&from=2026-01-31&to=2026-01-31', 1000);
    const february = await allPages('customer=tov-mapa&from=2026-02-01&to=2026-02-01', 1000);
    const januaryIds = january.items.map((item) => item.id);
    const februaryIds = february.items.map((item) => item.id);
    expect(januaryIds).toContain(boundaryBefore);
    expect(januaryIds).not.toContain(boundaryAfter);
    expect(februaryIds).toContain(boundaryAfter);
    expect(februaryIds).not.toContain(boundaryBefore);
    expect(february.items.find((item) => item.id === boundaryAfter)).toMatchObject({
      recordedOn: '2026-02-01',
      period: '2026-02',
    });
  });

  it('when finance asks for CSV, then it streams with a BOM, ";", decimal commas, intact Cyrillic and escaped formulas', async () => {
    const response = await fetch(`${stack.url}/v1/billing/records?from=2026-01-01&to=2026-03-31`, {
      headers: { authorization: `Bearer ${stack.keys['maria.finance']}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(BILLING_CSV_COLUMNS.map((column) => column.header));
    expect(header).toEqual(
      expect.arrayContaining([
        'Period',
        'Customer EDRPOU',
        'Customer',
        'Customer VAT payer',
        'Contract number',
        'Contract date',
        'Contract kind',
        'Prozorro ID',
        'CPV code',
        'Engagement',
        'Service code',
        'Service',
        'Project',
        'Act number',
        'Act date',
        'Act status',
        'Category',
        'Act line',
        'Norm-hours',
        'Rate, UAH per norm-hour',
        'Amount excl. VAT',
        'VAT rate, %',
        'VAT',
        'Amount incl. VAT',
        'Currency',
        'Actual hours',
        'Engineer',
        'Variance, hours',
      ]),
    );
    expect(rows).toHaveLength(SEEDED + 2);
    const col = (name: string) => header!.indexOf(name);
    const byEntry = new Map(rows.map((row) => [Number(row[col('Entry')]), row]));

    // The JSON page and the CSV agree row by row on money, with a decimal comma and no grouping.
    const { items } = await allPages('from=2026-01-01&to=2026-03-31', 1000);
    for (const item of items) {
      const row = byEntry.get(item.id as number)!;
      const money = (kopecks: number) =>
        `${Math.trunc(kopecks / 100)},${String(Math.abs(kopecks) % 100).padStart(2, '0')}`;
      expect(row[col('Amount excl. VAT')]).toBe(money(item.amountExclVatKopecks as number));
      expect(row[col('VAT')]).toBe(money(item.vatKopecks as number));
      expect(row[col('Amount incl. VAT')]).toBe(money(item.amountInclVatKopecks as number));
    }
    const formula = rows.find((row) => row[col('Customer EDRPOU')] === '90000077')!;
    expect(formula[col('Customer')]).toBe("'=SUM(A1:A9)");
    expect(text).toContain(";'=SUM(A1:A9);");
    expect(formula).toEqual(
      expect.arrayContaining(['РП-11/2026', '2025-12-20', 'one-off services', 'UA-2025-12-20-000123-a', '72260000-5']),
    );
    expect(formula[col('Service')]).toBe('Database audit, integrity control and recovery');
    expect(formula[col('Engineer')]).toBe('Taras Bondarenko (engineer, cat. II)');
    expect(formula[col('Currency')]).toBe('UAH');

    const mapa = byEntry.get(boundaryAfter)!;
    expect(mapa[col('Customer')]).toBe(MAPA_NAME);
    expect(mapa[col('Customer EDRPOU')]).toBe('01234567');
    expect(mapa[col('Customer VAT payer')]).toBe('no');
    expect(mapa.slice(col('Norm-hours'), col('Currency') + 1)).toEqual([
      '1,25',
      '800,00',
      '1000,00',
      '20',
      '200,00',
      '1200,00',
      'UAH',
    ]);
    expect(mapa[col('Variance, hours')]).toBe('0,00');
    expect(text).toContain(`"ТОВ «Мапа»; ""Схема"" і Ко"`);
  });

  it('when a reader stops after a few batches, then the cursor is closed and its connection goes back to the pool', async () => {
    let read = 0;
    for await (const _row of streamBillingRecords(stack.pool, {}, 100)) {
      read += 1;
      if (read === 250) break;
    }
    expect(read).toBe(250);
    expect(stack.pool.totalCount - stack.pool.idleCount).toBe(0);
    const stuck = await stack.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(stuck.rows[0]!.n).toBe(0);
  });

  it('when potik billing export runs with the same filters, then it writes the same bytes as the API', async () => {
    const api = await fetch(`${stack.url}/v1/billing/records?from=2026-01-01&to=2026-03-31&customer=formula-co`, {
      headers: { authorization: `Bearer ${stack.keys['maria.finance']}`, accept: 'text/csv' },
    });
    const apiBytes = Buffer.from(await api.arrayBuffer());
    const cli = await runCli(stack, [
      'billing',
      'export',
      '--from',
      '2026-01-01',
      '--to',
      '2026-03-31',
      '--customer',
      'formula-co',
    ]);
    expect(cli.stderr).toContain(`${SEEDED / 2} billing record(s)`);
    expect(cli.code).toBe(0);
    expect(cli.stdout.equals(apiBytes)).toBe(true);
    expect(parseCsv(cli.stdout.toString('utf8').slice(1))).toHaveLength(SEEDED / 2 + 1);
  });

  it('when potik billing export gets a bad date, then it refuses before touching the database', async () => {
    const cli = await runCli(stack, ['billing', 'export', '--from', '2026-02-30', '--to', '2026-03-31']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('--from');
    expect(cli.stdout.length).toBe(0);
  });

  it('when finance asks for the summary, then the sums per customer, month, service and category match the ledger', async () => {
    const finance = apiClient(stack, 'maria.finance');
    const summary = await finance('GET', '/v1/billing/summary?from=2026-01-01&to=2026-03-31&customer=tov-mapa');
    expect(summary.status).toBe(200);
    const items = summary.body.items as {
      period: string;
      serviceCode: string;
      category: string;
      entries: number;
      amountExclVatKopecks: number;
    }[];
    expect(new Set(items.map((i) => i.period))).toEqual(new Set(['2026-01', '2026-02']));
    expect(items.every((i) => i.serviceCode === 'X-IMPORT')).toBe(true);
    const ledger = await stack.pool.query<{ n: number; amount: number }>(
      `SELECT count(*)::int AS n, sum(amount_kopecks)::int8 AS amount FROM billing_entries WHERE customer_id = 'tov-mapa'`,
    );
    expect(items.reduce((n, i) => n + i.entries, 0)).toBe(ledger.rows[0]!.n);
    expect(items.reduce((n, i) => n + i.amountExclVatKopecks, 0)).toBe(ledger.rows[0]!.amount);
  });

  it.each([
    ['/v1/billing/records?from=2026-02-30', 'from'],
    ['/v1/billing/records?to=01.03.2026', 'to'],
    ['/v1/billing/records?from=2026-03-01&to=2026-02-01', 'to'],
    ['/v1/billing/records?limit=0', 'limit'],
    ['/v1/billing/records?cursor=garbage', 'cursor'],
    ['/v1/billing/summary?category=BOSS', 'category'],
    ['/v1/billing/summary?form=2026-01-01', 'form'],
  ])('when the query is %s, then a 400 problem names "%s"', async (path, parameter) => {
    const finance = apiClient(stack, 'maria.finance');
    const response = await finance('GET', path);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.detail).toContain(`"${parameter}"`);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: parameter })]);
  });

  it('when an engineer or a PM asks for records, then 403; without a key, 401', async () => {
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/billing/records')).status).toBe(403);
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/billing/summary')).status).toBe(403);
    expect((await apiClient(stack, 'olena.pm')('GET', '/v1/billing/records')).status).toBe(403);
    const csv = await fetch(`${stack.url}/v1/billing/records`, {
      headers: { authorization: `Bearer ${stack.keys['andrii.eng1']}`, accept: 'text/csv' },
    });
    expect(csv.status).toBe(403);
    expect(csv.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${stack.url}/v1/billing/records`)).status).toBe(401);
    expect((await apiClient(stack, 'admin')('GET', '/v1/billing/records?limit=1')).status).toBe(200);
  });
});
