import type { ContractFact, EntitlementFacts, RegisteredUserFact, ServiceLevel } from '../../lib/entitlement.ts';
import type { Queryable } from '../pool.ts';

/** The service's catalog level, or null when the code is not in the catalog. */
export async function selectServiceLevel(db: Queryable, serviceCode: string): Promise<ServiceLevel | null> {
  const { rows } = await db.query<{ level: ServiceLevel }>('SELECT level FROM service_catalog WHERE code = $1', [
    serviceCode,
  ]);
  return rows[0]?.level ?? null;
}

export async function customerExists(db: Queryable, customerId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  return (rowCount ?? 0) > 0;
}

/** Everything the entitlement rules look at for one customer. */
export async function selectEntitlementFacts(
  db: Queryable,
  customerId: string,
  serviceLevel: ServiceLevel,
): Promise<EntitlementFacts> {
  const users = await db.query<RegisteredUserFact>(
    `SELECT r.active, r.project_id AS "projectId", p.licensed
     FROM registered_users r JOIN projects p ON p.id = r.project_id
     WHERE r.customer_id = $1`,
    [customerId],
  );
  const contracts = await db.query<Omit<ContractFact, 'stages'> & { stages: { acceptedAt: string | null }[] }>(
    `SELECT c.id, c.number, c.kind, c.status,
            c.signed_at AS "signedAt", c.valid_from AS "validFrom", c.valid_to AS "validTo",
            c.terminated_at AS "terminatedAt", c.coverage,
            c.covered_services AS "coveredServices", c.covered_projects AS "coveredProjects",
            c.covered_engagements AS "coveredEngagements",
            coalesce((SELECT json_agg(json_build_object('acceptedAt', s.accepted_at) ORDER BY s.seq)
                      FROM contract_stages s WHERE s.contract_id = c.id), '[]') AS stages
     FROM contracts c WHERE c.customer_id = $1 ORDER BY c.id`,
    [customerId],
  );
  return { users: users.rows, contracts: contracts.rows, serviceLevel };
}
