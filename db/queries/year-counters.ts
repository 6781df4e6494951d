import type { Queryable } from '../pool.ts';

/** The per-year counters of gap-free document numbers (acts of services rendered, training certificates). */
export type YearCounter = 'act_counters' | 'certificate_counters';

/**
 * The next number of the year from `counter`. The counter row stays locked until the caller's
 * transaction ends, so numbers are handed out in commit order and a rollback returns its number:
 * no gaps. The table name comes from the closed `YearCounter` union, never from input.
 */
export async function takeNextYearNumber(db: Queryable, counter: YearCounter, year: number): Promise<number> {
  const { rows } = await db.query<{ last_number: number }>(
    `INSERT INTO ${counter} (year, last_number) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = ${counter}.last_number + 1
     RETURNING last_number`,
    [year],
  );
  return rows[0]!.last_number;
}
