/**
 * Customers, projects, registered users and contracts that tests set up for one entitlement case
 * each, beside the demo customers (db/queries/demo.ts). Test-only: nothing in the product calls it.
 */
import type { IsoDate } from '../../lib/calendar.ts';
import type { ContractKind, ContractStatus, CoveragePolicy } from '../../lib/entitlement.ts';
import type { Queryable } from '../pool.ts';

export interface FixtureCustomer {
  id: string;
  name: string;
  vatPayer?: boolean;
}

export interface FixtureProject {
  id: string;
  customerId: string;
  name: string;
  edition?: 'on-prem' | 'cloud';
  licensed?: boolean;
}

export interface FixtureContract {
  id: string;
  customerId: string;
  number: string;
  kind: ContractKind;
  status?: ContractStatus;
  signedAt: IsoDate | null;
  validFrom?: IsoDate | null;
  validTo?: IsoDate | null;
  terminatedAt?: IsoDate | null;
  coverage: CoveragePolicy;
  coveredServices?: string[];
  coveredProjects?: string[];
  /** Acceptance dates of the stages in contract order; null = not accepted yet. */
  stages?: (IsoDate | null)[];
}

export async function insertFixtureCustomer(db: Queryable, c: FixtureCustomer): Promise<void> {
  await db.query('INSERT INTO customers (id, name, vat_payer) VALUES ($1, $2, $3)', [c.id, c.name, c.vatPayer ?? true]);
}

export async function insertFixtureProject(db: Queryable, p: FixtureProject): Promise<void> {
  await db.query('INSERT INTO projects (id, customer_id, name, edition, licensed) VALUES ($1, $2, $3, $4, $5)', [
    p.id,
    p.customerId,
    p.name,
    p.edition ?? 'on-prem',
    p.licensed ?? true,
  ]);
}

export async function insertFixtureRegisteredUser(
  db: Queryable,
  u: { customerId: string; projectId: string; fullName: string; active?: boolean },
): Promise<void> {
  await db.query('INSERT INTO registered_users (customer_id, project_id, full_name, active) VALUES ($1, $2, $3, $4)', [
    u.customerId,
    u.projectId,
    u.fullName,
    u.active ?? true,
  ]);
}

/** The contract and its stages (titled by number), in one statement each. */
export async function insertFixtureContract(db: Queryable, c: FixtureContract): Promise<void> {
  await db.query(
    `INSERT INTO contracts (id, customer_id, number, kind, status, signed_at, valid_from, valid_to, terminated_at,
                            coverage, covered_services, covered_projects)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      c.id,
      c.customerId,
      c.number,
      c.kind,
      c.status ?? 'signed',
      c.signedAt,
      c.validFrom ?? c.signedAt,
      c.validTo ?? null,
      c.terminatedAt ?? null,
      c.coverage,
      c.coveredServices ?? [],
      c.coveredProjects ?? [],
    ],
  );
  const stages = c.stages ?? [];
  if (stages.length === 0) return;
  await db.query(
    `INSERT INTO contract_stages (contract_id, seq, title, accepted_at)
     SELECT $1, s.seq, 'Stage ' || s.seq, s.accepted_at
     FROM unnest($2::date[]) WITH ORDINALITY AS s (accepted_at, seq)`,
    [c.id, stages],
  );
}
