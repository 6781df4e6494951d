import type { Queryable } from '../pool.ts';

export interface DemoDates {
  today: string;
  yearStart: string;
  yearEnd: string;
  lastStageAccepted: string;
  signedLongAgo: string;
}

/**
 * Upserts the demo customers, projects, registered users, contracts and rate card. Dates are
 * relative to today so every entitlement basis holds whenever the demo is started. The cloud
 * access contract does not bill travel (its trainings are remote); the others do.
 */
export async function upsertDemoReferenceData(db: Queryable, d: DemoDates): Promise<void> {
  await db.query(
    `INSERT INTO customers (id, name, edrpou, vat_payer, kind) VALUES
       ('kp-teplomerezha', 'КП «Тепломережа» (демо)', '90000001', true, 'utility'),
       ('kp-vodokanal', 'КП «Водоканал» (демо)', '90000002', true, 'utility'),
       ('sumy-teplo-cloud', 'ТОВ «Теплохмара» (демо)', '90000003', true, 'utility'),
       ('lubny-vodokanal', 'КП «Лубни-Водоканал» (демо)', '90000004', false, 'utility'),
       ('novyi-zamovnyk', 'ТОВ «Новий замовник» (демо)', '90000005', true, 'prospect')
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, edrpou = excluded.edrpou, vat_payer = excluded.vat_payer`,
  );
  await db.query(
    `INSERT INTO projects (id, customer_id, name, edition, licensed, crs) VALUES
       ('teplomerezha-main', 'kp-teplomerezha', 'Heat network of the city', 'on-prem', true, 'EPSG:9858'),
       ('vodokanal-main', 'kp-vodokanal', 'Water supply and sewerage', 'on-prem', true, 'EPSG:5565'),
       ('sumy-cloud', 'sumy-teplo-cloud', 'Heat network (CityCom Cloud)', 'cloud', true, 'EPSG:5565'),
       ('lubny-main', 'lubny-vodokanal', 'Water network', 'on-prem', true, 'EPSG:7829')
     ON CONFLICT (id) DO NOTHING`,
  );
  // Kept, not replaced, at every start: release deliveries point at the registered users they reached.
  await db.query(
    `INSERT INTO registered_users (customer_id, project_id, full_name, email)
     SELECT v.* FROM (VALUES
       ('kp-teplomerezha', 'teplomerezha-main', 'Петро Іваненко', 'p.ivanenko@example.org'),
       ('kp-vodokanal', 'vodokanal-main', 'Наталія Гончаренко', 'n.honcharenko@example.org'),
       ('sumy-teplo-cloud', 'sumy-cloud', 'Віктор Савченко', 'v.savchenko@example.org'),
       ('lubny-vodokanal', 'lubny-main', 'Світлана Руденко', 's.rudenko@example.org')
     ) AS v (customer_id, project_id, full_name, email)
     WHERE NOT EXISTS (SELECT 1 FROM registered_users r
                       WHERE r.customer_id = v.customer_id AND r.project_id = v.project_id AND r.full_name = v.full_name)`,
  );
  await db.query(
    `INSERT INTO contracts (id, customer_id, number, kind, status, signed_at, valid_from, valid_to, coverage,
                            covered_services, covered_projects, bills_travel)
     VALUES ('si-teplomerezha', 'kp-teplomerezha', 'СВ-17/2024', 'SUPPLY_IMPLEMENTATION', 'signed', $1::date, $1::date, NULL, 'billed', '{}', '{}', true),
            ('as-vodokanal', 'kp-vodokanal', 'СП-04/' || left($2, 4), 'ANNUAL_SUPPORT', 'signed', $2::date, $2::date, $3::date, 'included', '{}', '{}', true),
            ('ca-sumy', 'sumy-teplo-cloud', 'ХД-02/' || left($2, 4), 'CLOUD_ACCESS', 'signed', $2::date, $2::date, $3::date, 'billed', '{}', '{sumy-cloud}', false)
     ON CONFLICT (id) DO UPDATE SET number = excluded.number, signed_at = excluded.signed_at, valid_from = excluded.valid_from,
                                    valid_to = excluded.valid_to, status = excluded.status, bills_travel = excluded.bills_travel`,
    [d.signedLongAgo, d.yearStart, d.yearEnd],
  );
  await db.query(
    `INSERT INTO contract_stages (contract_id, seq, title, accepted_at) VALUES
       ('si-teplomerezha', 1, 'Supply of CityCom licences', $1::date),
       ('si-teplomerezha', 2, 'Implementation and data migration', $2::date)
     ON CONFLICT (contract_id, seq) DO UPDATE SET accepted_at = excluded.accepted_at`,
    [d.signedLongAgo, d.lastStageAccepted],
  );
  await db.query(
    `INSERT INTO rate_cards (id, effective_from) VALUES ('rc-demo', $1::date) ON CONFLICT (id) DO NOTHING`,
    [d.yearStart],
  );
  await db.query(
    `INSERT INTO rate_card_lines (rate_card_id, category, kopecks_per_norm_hour) VALUES
       ('rc-demo', 'LEAD', 120000), ('rc-demo', 'ENG_I', 95000), ('rc-demo', 'ENG_II', 80000),
       ('rc-demo', 'ENG', 65000), ('rc-demo', 'TECH', 50000)
     ON CONFLICT (rate_card_id, category) DO NOTHING`,
  );
}
