/**
 * Acts of services rendered: numbering, lines, the ledger entries they bill, status moves. The
 * steps are separate functions so one transaction (activities/acts.ts) can compose them.
 */
import type { Category } from '../../definitions/model.ts';
import type { ActStatus } from '../../lib/acts.ts';
import type { Queryable } from '../pool.ts';
import { binder, ENGAGEMENT_VISIBLE, viewerParams, type Viewer } from './visibility.ts';

export interface ActRow {
  id: number;
  year: number;
  seq: number;
  number: string;
  act_date: string;
  customer_id: string;
  contract_id: string | null;
  engagement_id: string | null;
  period_from: string | null;
  period_to: string | null;
  status: ActStatus;
  currency: string;
  vat_rate_percent: number;
  amount_excl_vat_kopecks: number;
  vat_kopecks: number;
  amount_incl_vat_kopecks: number;
  created_by: string;
  created_at: Date;
  issued_by: string | null;
  issued_at: Date | null;
  signed_by: string | null;
  signed_at: Date | null;
}

export interface ActLineRow {
  id: number;
  act_id: number;
  line_no: number;
  line: string | null;
  category: Category;
  norm_hundredths: number;
  rate_kopecks: number;
  amount_excl_vat_kopecks: number;
  vat_rate_percent: number;
  vat_kopecks: number;
  amount_incl_vat_kopecks: number;
}

/**
 * Locks the engagement for act creation, so two creations for one engagement run one after the
 * other and the second sees the entries the first billed. Null when there is no such engagement.
 */
export async function lockEngagementForBilling(
  db: Queryable,
  engagementId: string,
): Promise<{ id: string; customer_id: string } | null> {
  const { rows } = await db.query<{ id: string; customer_id: string }>(
    'SELECT id, customer_id FROM engagements WHERE id = $1 FOR UPDATE',
    [engagementId],
  );
  return rows[0] ?? null;
}

export interface UnbilledEntryRow {
  id: number;
  line: string | null;
  category: Category;
  norm_hundredths: number;
  rate_kopecks: number;
  contract_id: string | null;
}

/** Billable entries of the engagement that no act bills yet, reversals included, in ledger order. */
export async function selectUnbilledEntries(db: Queryable, engagementId: string): Promise<UnbilledEntryRow[]> {
  const { rows } = await db.query<UnbilledEntryRow>(
    `SELECT b.id, b.line, b.category, (b.norm_hours * 100)::int8 AS norm_hundredths, b.rate_kopecks, b.contract_id
     FROM billing_entries b
     WHERE b.engagement_id = $1 AND b.billable
       AND NOT EXISTS (SELECT 1 FROM act_entries ae WHERE ae.entry_id = b.id)
     ORDER BY b.id`,
    [engagementId],
  );
  return rows;
}

export interface InsertActParams {
  year: number;
  seq: number;
  number: string;
  actDate: string;
  customerId: string;
  contractId: string | null;
  engagementId: string;
  vatRatePercent: number;
  amountExclVat: number;
  vat: number;
  amountInclVat: number;
  createdBy: string;
}

export async function insertAct(db: Queryable, p: InsertActParams): Promise<ActRow> {
  const { rows } = await db.query<ActRow>(
    `INSERT INTO acts (year, seq, number, act_date, customer_id, contract_id, engagement_id, vat_rate_percent,
                       amount_excl_vat_kopecks, vat_kopecks, amount_incl_vat_kopecks, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     RETURNING *`,
    [
      p.year,
      p.seq,
      p.number,
      p.actDate,
      p.customerId,
      p.contractId,
      p.engagementId,
      p.vatRatePercent,
      p.amountExclVat,
      p.vat,
      p.amountInclVat,
      p.createdBy,
    ],
  );
  return rows[0]!;
}

export interface InsertActLineParams {
  actId: number;
  lineNo: number;
  line: string | null;
  category: Category;
  normHundredths: number;
  rateKopecks: number;
  amountExclVat: number;
  vatRatePercent: number;
  vat: number;
  amountInclVat: number;
}

export async function insertActLine(db: Queryable, p: InsertActLineParams): Promise<ActLineRow> {
  const { rows } = await db.query<ActLineRow>(
    `INSERT INTO act_lines (act_id, line_no, category, norm_hours, rate_kopecks, amount_excl_vat_kopecks,
                            vat_rate_percent, vat_kopecks, amount_incl_vat_kopecks, line)
     VALUES ($1, $2, $3, $4::numeric / 100, $5, $6, $7, $8, $9, $10)
     RETURNING id, act_id, line_no, line, category, (norm_hours * 100)::int8 AS norm_hundredths, rate_kopecks,
               amount_excl_vat_kopecks, vat_rate_percent, vat_kopecks, amount_incl_vat_kopecks`,
    [
      p.actId,
      p.lineNo,
      p.category,
      p.normHundredths,
      p.rateKopecks,
      p.amountExclVat,
      p.vatRatePercent,
      p.vat,
      p.amountInclVat,
      p.line,
    ],
  );
  return rows[0]!;
}

/** Marks entries as billed by the act (and its line, or none for entries that netted to nothing). */
export async function linkEntriesToAct(
  db: Queryable,
  actId: number,
  actLineId: number | null,
  entryIds: readonly number[],
): Promise<void> {
  if (entryIds.length === 0) return;
  await db.query(`INSERT INTO act_entries (entry_id, act_id, act_line_id) SELECT unnest($1::int8[]), $2, $3`, [
    entryIds,
    actId,
    actLineId,
  ]);
}

export async function selectAct(db: Queryable, actId: number): Promise<ActRow | null> {
  const { rows } = await db.query<ActRow>('SELECT * FROM acts WHERE id = $1', [actId]);
  return rows[0] ?? null;
}

export async function selectActsOfEngagement(db: Queryable, engagementId: string): Promise<ActRow[]> {
  const { rows } = await db.query<ActRow>('SELECT * FROM acts WHERE engagement_id = $1 ORDER BY id', [engagementId]);
  return rows;
}

export async function selectActLines(db: Queryable, actIds: readonly number[]): Promise<ActLineRow[]> {
  const { rows } = await db.query<ActLineRow>(
    `SELECT id, act_id, line_no, line, category, (norm_hours * 100)::int8 AS norm_hundredths, rate_kopecks,
            amount_excl_vat_kopecks, vat_rate_percent, vat_kopecks, amount_incl_vat_kopecks
     FROM act_lines WHERE act_id = ANY($1::int8[]) ORDER BY act_id, line_no`,
    [actIds],
  );
  return rows;
}

/**
 * Moves the act from `from` to `to`, stamping who and when; null when the act is not in `from`
 * (the caller reads the act to tell "no such act" from "wrong status").
 */
export async function updateActStatus(
  db: Queryable,
  p: { actId: number; from: ActStatus; to: 'issued' | 'signed'; by: string },
): Promise<ActRow | null> {
  const stamp = p.to === 'issued' ? 'issued_at = now(), issued_by = $4' : 'signed_at = now(), signed_by = $4';
  const { rows } = await db.query<ActRow>(
    `UPDATE acts SET status = $3, ${stamp} WHERE id = $1 AND status = $2 RETURNING *`,
    [p.actId, p.from, p.to, p.by],
  );
  return rows[0] ?? null;
}

/** An act with how its engagement ended (null for an act billing no engagement). */
export interface ActWithEngagementRow extends ActRow {
  engagement_status: string | null;
  engagement_closed_at: Date | null;
}

export interface ActFilters {
  customer?: string;
  status?: ActStatus;
  engagement?: string;
  /** Act dates from/to, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
}

/**
 * Acts the viewer may see (those of the engagements they see: docs/authorization.md), newest first,
 * before `beforeId`; one row more than `limit` says another page follows.
 */
export async function selectVisibleActsPage(
  db: Queryable,
  viewer: Viewer,
  filters: ActFilters,
  page: { beforeId: number | null; limit: number },
): Promise<{ rows: ActWithEngagementRow[]; more: boolean }> {
  const params: unknown[] = viewerParams(viewer);
  const bind = binder(params);
  const where = [ENGAGEMENT_VISIBLE];
  if (filters.customer !== undefined) where.push(`a.customer_id = ${bind(filters.customer)}`);
  if (filters.status !== undefined) where.push(`a.status = ${bind(filters.status)}`);
  if (filters.engagement !== undefined) where.push(`a.engagement_id = ${bind(filters.engagement)}::uuid`);
  if (filters.from !== undefined) where.push(`a.act_date >= ${bind(filters.from)}::date`);
  if (filters.to !== undefined) where.push(`a.act_date <= ${bind(filters.to)}::date`);
  if (page.beforeId !== null) where.push(`a.id < ${bind(page.beforeId)}`);
  const { rows } = await db.query<ActWithEngagementRow>(
    `SELECT a.*, e.status AS engagement_status, e.closed_at AS engagement_closed_at
     FROM acts a LEFT JOIN engagements e ON e.id = a.engagement_id
     WHERE ${where.join(' AND ')}
     ORDER BY a.id DESC
     LIMIT ${bind(page.limit + 1)}`,
    params,
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** How the engagement of an act ended: its status and when it closed; null when there is none. */
export async function selectEngagementOutcome(
  db: Queryable,
  engagementId: string | null,
): Promise<{ engagement_status: string; engagement_closed_at: Date | null } | null> {
  if (engagementId === null) return null;
  const { rows } = await db.query<{ engagement_status: string; engagement_closed_at: Date | null }>(
    'SELECT status AS engagement_status, closed_at AS engagement_closed_at FROM engagements WHERE id = $1',
    [engagementId],
  );
  return rows[0] ?? null;
}
