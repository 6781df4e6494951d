/**
 * Billing records for finance: ledger entries joined with everything the finance export names
 * (customer, contract, engagement, service, act). Pages by keyset on the entry id; the CSV export
 * reads through a server-side cursor so memory stays flat however many rows match.
 */
import type { Category } from '../../definitions/model.ts';
import type { Pool, Queryable } from '../pool.ts';

/** Filters shared by pages, the export and the summary. Dates are Europe/Kyiv calendar dates, both inclusive. */
export interface BillingRecordFilters {
  from?: string;
  to?: string;
  customerId?: string;
  contractId?: string;
  engagementId?: string;
  serviceCode?: string;
  category?: Category;
  billable?: boolean;
}

/**
 * Which filters name something that does not exist — a customer, contract or service (catalog
 * code) — so an export for a mistyped name is refused instead of coming back empty.
 */
export async function selectUnknownFilterNames(
  db: Queryable,
  f: Pick<BillingRecordFilters, 'customerId' | 'contractId' | 'serviceCode'>,
): Promise<('customer' | 'contract' | 'service')[]> {
  const { rows } = await db.query<{ customer: boolean; contract: boolean; service: boolean }>(
    `SELECT $1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customers WHERE id = $1) AS customer,
            $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contracts WHERE id = $2) AS contract,
            $3::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM service_catalog WHERE code = $3) AS service`,
    [f.customerId ?? null, f.contractId ?? null, f.serviceCode ?? null],
  );
  const unknown = rows[0]!;
  return (['customer', 'contract', 'service'] as const).filter((name) => unknown[name]);
}

/** One ledger entry as finance sees it. Money in kopecks, hours in hundredths. */
export interface BillingRecordRow {
  id: number;
  recorded_at: Date;
  /** Europe/Kyiv date of recording, YYYY-MM-DD. */
  recorded_on: string;
  /** Europe/Kyiv month of recording, YYYY-MM. */
  period: string;
  customer_id: string;
  customer_name: string;
  customer_edrpou: string | null;
  customer_vat_payer: boolean;
  contract_id: string | null;
  contract_number: string | null;
  contract_signed_at: string | null;
  contract_kind: string | null;
  prozorro_id: string | null;
  cpv_code: string | null;
  engagement_id: string;
  service_code: string;
  service_name: string | null;
  project_id: string | null;
  step_id: string;
  iteration: string;
  act_id: number | null;
  act_number: string | null;
  act_date: string | null;
  act_status: string | null;
  category: Category;
  /** The act line the entry goes on (training-hours, travel, …); null when billed by category alone. */
  line: string | null;
  norm_hundredths: number;
  actual_hundredths: number | null;
  rate_kopecks: number;
  amount_kopecks: number;
  /** The act line's rate once on an act; before that, read off the entry (null when the amount is zero). */
  vat_rate_percent: number | null;
  vat_kopecks: number;
  billable: boolean;
  basis: string | null;
  performed_by: string | null;
  performer_name: string | null;
  reverses_id: number | null;
  reason: string | null;
}

/**
 * The records' SELECT. The export reads only the columns it prints: every column of a million rows
 * is a million strings to parse, and `recorded_at`'s timestamptz output is the dearest of them.
 * The Kyiv day is computed once per row. Entries carry no VAT rate of their own: the recording
 * activity applied 20 % or nothing, so a non-zero VAT means 20 %. Amounts under 3 kopecks have
 * zero VAT at any rate and read as 0 %.
 */
function selectRecords({ forExport }: { forExport: boolean }): string {
  const full = (columns: string) => (forExport ? '' : columns);
  return `
  SELECT b.id,${full(' b.recorded_at,')} kyiv.day AS recorded_on, to_char(kyiv.day, 'YYYY-MM') AS period,
         ${full('b.customer_id, ')}cu.name AS customer_name, cu.edrpou AS customer_edrpou, cu.vat_payer AS customer_vat_payer,
         ${full('b.contract_id, ')}co.number AS contract_number, co.signed_at AS contract_signed_at, co.kind AS contract_kind,
         co.prozorro_id, co.cpv_code,
         b.engagement_id, b.service_code, sc.name AS service_name, e.project_id,${full(' b.step_id, b.iteration,')}
         ${full('a.id AS act_id, ')}a.number AS act_number, a.act_date, a.status AS act_status,
         b.category, b.line, (b.norm_hours * 100)::int8 AS norm_hundredths, (b.actual_hours * 100)::int8 AS actual_hundredths,
         b.rate_kopecks, b.amount_kopecks, b.vat_kopecks,
         CASE WHEN l.id IS NOT NULL THEN l.vat_rate_percent
              WHEN b.amount_kopecks = 0 THEN NULL
              WHEN b.vat_kopecks = 0 THEN 0
              ELSE round(b.vat_kopecks * 100.0 / b.amount_kopecks)::int END AS vat_rate_percent,
         b.billable,${full(' b.basis,')} b.performed_by, u.name AS performer_name, b.reverses_id${full(', b.reason')}
  FROM billing_entries b
  CROSS JOIN LATERAL (SELECT (b.recorded_at AT TIME ZONE 'Europe/Kyiv')::date AS day) kyiv
  JOIN customers cu ON cu.id = b.customer_id
  JOIN engagements e ON e.id = b.engagement_id
  LEFT JOIN contracts co ON co.id = b.contract_id
  LEFT JOIN service_catalog sc ON sc.code = b.service_code
  LEFT JOIN users u ON u.id = b.performed_by
  LEFT JOIN act_entries ae ON ae.entry_id = b.id
  LEFT JOIN acts a ON a.id = ae.act_id
  LEFT JOIN act_lines l ON l.id = ae.act_line_id`;
}

const SELECT_RECORDS = selectRecords({ forExport: false });

/** WHERE conditions over `billing_entries b` and their parameters, numbered from `$1`. */
function whereOf(filters: BillingRecordFilters, params: unknown[]): string[] {
  const conditions: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  // Kyiv dates become instants in SQL, so the condition stays a range on the recorded_at index.
  if (filters.from !== undefined)
    conditions.push(`b.recorded_at >= (${param(filters.from)}::date)::timestamp AT TIME ZONE 'Europe/Kyiv'`);
  if (filters.to !== undefined)
    conditions.push(`b.recorded_at < (${param(filters.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Kyiv'`);
  if (filters.customerId !== undefined) conditions.push(`b.customer_id = ${param(filters.customerId)}`);
  if (filters.contractId !== undefined) conditions.push(`b.contract_id = ${param(filters.contractId)}`);
  if (filters.engagementId !== undefined) conditions.push(`b.engagement_id = ${param(filters.engagementId)}::uuid`);
  if (filters.serviceCode !== undefined) conditions.push(`b.service_code = ${param(filters.serviceCode)}`);
  if (filters.category !== undefined) conditions.push(`b.category = ${param(filters.category)}`);
  if (filters.billable !== undefined) conditions.push(`b.billable = ${param(filters.billable)}`);
  return conditions;
}

function recordsQuery(
  filters: BillingRecordFilters,
  afterId: number | null,
  limit: number | null,
  select = SELECT_RECORDS,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const conditions = whereOf(filters, values);
  if (afterId !== null) {
    values.push(afterId);
    conditions.push(`b.id > $${values.length}`);
  }
  let text = `${select}${conditions.length ? `\n  WHERE ${conditions.join(' AND ')}` : ''}\n  ORDER BY b.id`;
  if (limit !== null) {
    values.push(limit);
    text += ` LIMIT $${values.length}`;
  }
  return { text, values };
}

export async function selectBillingRecord(db: Queryable, id: number): Promise<BillingRecordRow | null> {
  const { rows } = await db.query<BillingRecordRow>(`${SELECT_RECORDS}\n  WHERE b.id = $1`, [id]);
  return rows[0] ?? null;
}

/** One page in ledger order; `nextAfterId` is set when more rows may follow. */
export async function selectBillingRecordsPage(
  db: Queryable,
  filters: BillingRecordFilters,
  page: { afterId: number | null; limit: number },
): Promise<{ rows: BillingRecordRow[]; nextAfterId: number | null }> {
  const query = recordsQuery(filters, page.afterId, page.limit + 1);
  const { rows } = await db.query<BillingRecordRow>(query.text, query.values);
  const more = rows.length > page.limit;
  if (more) rows.pop();
  return { rows, nextAfterId: more ? (rows.at(-1)?.id ?? null) : null };
}

/** A record as the export cursor returns it: the columns the finance CSV prints. */
export type BillingExportRow = Omit<
  BillingRecordRow,
  'recorded_at' | 'customer_id' | 'contract_id' | 'step_id' | 'iteration' | 'act_id' | 'basis' | 'reason'
>;

const EXPORT_SELECT = selectRecords({ forExport: true });

/**
 * Every matching record in ledger order, as the batches of `batchSize` a server-side cursor on a
 * client of its own returns them, inside one read-only transaction (one consistent snapshot).
 * Stopping early (`return()`, a closed HTTP response) closes the cursor and releases the client.
 */
export async function* streamBillingRecordBatches(
  pool: Pool,
  filters: BillingRecordFilters,
  batchSize = 2000,
): AsyncGenerator<BillingExportRow[], void, undefined> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be ≥ 1, got ${batchSize}`);
  const query = recordsQuery(filters, null, null, EXPORT_SELECT);
  const client = await pool.connect();
  let broken: Error | undefined;
  let open = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    // The export reads every row: plan for all of them, not for the first 10 % as cursors do by default.
    await client.query('SET LOCAL cursor_tuple_fraction = 1.0');
    await client.query(`DECLARE billing_records NO SCROLL CURSOR FOR ${query.text}`, query.values);
    // One batch is always in flight while the consumer works through the previous one, so the
    // server computes the next rows while we format these. Settled, never rejected, until awaited.
    const fetchBatch = () =>
      client.query<BillingExportRow>(`FETCH FORWARD ${batchSize} FROM billing_records`).then(
        (result) => ({ rows: result.rows, error: undefined }),
        (error: Error) => ({ rows: [] as BillingExportRow[], error }),
      );
    let pending = fetchBatch();
    for (;;) {
      const batch = await pending;
      if (batch.error) throw batch.error;
      const more = batch.rows.length === batchSize;
      pending = more ? fetchBatch() : Promise.resolve({ rows: [], error: undefined });
      if (batch.rows.length > 0) yield batch.rows;
      if (!more) break;
    }
    await client.query('COMMIT');
    open = false;
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    if (open) {
      // Early stop or failure: ROLLBACK closes the cursor; a client that cannot roll back is discarded.
      await client.query('ROLLBACK').catch((error: Error) => {
        broken ??= error;
      });
    }
    client.release(broken);
  }
}

/** The same records one at a time. */
export async function* streamBillingRecords(
  pool: Pool,
  filters: BillingRecordFilters,
  batchSize = 2000,
): AsyncGenerator<BillingExportRow, void, undefined> {
  for await (const batch of streamBillingRecordBatches(pool, filters, batchSize)) yield* batch;
}

export interface BillingSummaryRow {
  customer_id: string;
  customer_name: string;
  period: string;
  service_code: string;
  category: Category;
  entries: number;
  norm_hundredths: number;
  actual_hundredths: number;
  amount_kopecks: number;
  vat_kopecks: number;
}

/** Sums per customer, Kyiv month, service and category; billable and free work alike unless filtered. */
export async function selectBillingSummary(db: Queryable, filters: BillingRecordFilters): Promise<BillingSummaryRow[]> {
  const values: unknown[] = [];
  const conditions = whereOf(filters, values);
  const { rows } = await db.query<BillingSummaryRow>(
    `SELECT b.customer_id, cu.name AS customer_name,
            to_char(b.recorded_at AT TIME ZONE 'Europe/Kyiv', 'YYYY-MM') AS period,
            b.service_code, b.category, count(*)::int8 AS entries,
            (sum(b.norm_hours) * 100)::int8 AS norm_hundredths,
            (coalesce(sum(b.actual_hours), 0) * 100)::int8 AS actual_hundredths,
            sum(b.amount_kopecks)::int8 AS amount_kopecks, sum(b.vat_kopecks)::int8 AS vat_kopecks
     FROM billing_entries b JOIN customers cu ON cu.id = b.customer_id
     ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     GROUP BY b.customer_id, cu.name, period, b.service_code, b.category
     ORDER BY b.customer_id, period, b.service_code, array_position(ARRAY['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'], b.category)`,
    values,
  );
  return rows;
}
