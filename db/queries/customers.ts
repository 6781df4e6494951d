import type { Queryable } from '../pool.ts';

export interface ProjectRow {
  id: string;
  name: string;
  product: string;
  edition: 'on-prem' | 'cloud';
  licensed: boolean;
  crs: string | null;
}

export interface CustomerRow {
  id: string;
  name: string;
  edrpou: string | null;
  vat_payer: boolean;
  kind: string;
  /** The customer's projects by id. */
  projects: ProjectRow[];
}

const CUSTOMER_WITH_PROJECTS = `
  SELECT c.id, c.name, c.edrpou, c.vat_payer, c.kind,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'name', p.name, 'product', p.product,
                                                       'edition', p.edition, 'licensed', p.licensed, 'crs', p.crs)
                                    ORDER BY p.id)
                   FROM projects p WHERE p.customer_id = c.id), '[]'::jsonb) AS projects
  FROM customers c`;

/** Customers in id order after `afterId`, each with its projects; one row more than `limit` says another page follows. */
export async function selectCustomersPage(
  db: Queryable,
  page: { afterId: string | null; limit: number },
): Promise<{ rows: CustomerRow[]; more: boolean }> {
  const { rows } = await db.query<CustomerRow>(
    `${CUSTOMER_WITH_PROJECTS}
     WHERE $1::text IS NULL OR c.id > $1
     ORDER BY c.id
     LIMIT $2`,
    [page.afterId, page.limit + 1],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

export async function selectCustomer(db: Queryable, id: string): Promise<CustomerRow | null> {
  const { rows } = await db.query<CustomerRow>(`${CUSTOMER_WITH_PROJECTS} WHERE c.id = $1`, [id]);
  return rows[0] ?? null;
}
