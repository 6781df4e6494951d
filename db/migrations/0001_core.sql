-- Up Migration

-- Customers of the vendor: municipal utilities and other CityCom licensees.
CREATE TABLE customers (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  edrpou      text UNIQUE,                 -- ЄДРПОУ registration code
  vat_payer   boolean NOT NULL DEFAULT true,
  kind        text NOT NULL DEFAULT 'utility',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A customer's CityCom project (an on-premises database or a cloud project).
CREATE TABLE projects (
  id           text PRIMARY KEY,
  customer_id  text NOT NULL REFERENCES customers (id),
  name         text NOT NULL,
  product      text NOT NULL DEFAULT 'CityCom',
  edition      text NOT NULL DEFAULT 'on-prem' CHECK (edition IN ('on-prem', 'cloud')),
  licensed     boolean NOT NULL DEFAULT true,
  crs          text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_customer_idx ON projects (customer_id);

-- Registered users of a licensed project: the condition of basic support.
CREATE TABLE registered_users (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id  text NOT NULL REFERENCES customers (id),
  project_id   text NOT NULL REFERENCES projects (id),
  full_name    text NOT NULL,
  email        text,
  active       boolean NOT NULL DEFAULT true,
  registered_at date NOT NULL DEFAULT current_date
);
CREATE INDEX registered_users_customer_idx ON registered_users (customer_id);

CREATE TABLE contracts (
  id                 text PRIMARY KEY,
  customer_id        text NOT NULL REFERENCES customers (id),
  number             text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('SUPPLY_IMPLEMENTATION', 'ANNUAL_SUPPORT', 'ONE_OFF_SERVICES', 'CLOUD_ACCESS')),
  status             text NOT NULL DEFAULT 'signed' CHECK (status IN ('draft', 'signed', 'terminated')),
  signed_at          date,
  valid_from         date,
  valid_to           date,
  terminated_at      date,
  coverage           text NOT NULL DEFAULT 'billed' CHECK (coverage IN ('included', 'billed')),
  covered_services   text[] NOT NULL DEFAULT '{}',
  covered_projects   text[] NOT NULL DEFAULT '{}',
  covered_engagements text[] NOT NULL DEFAULT '{}',
  prozorro_id        text,
  cpv_code           text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, number)
);
CREATE INDEX contracts_customer_idx ON contracts (customer_id);

-- Stages of a supply/implementation contract; acceptance of the last one starts the 6-month tail.
CREATE TABLE contract_stages (
  contract_id  text NOT NULL REFERENCES contracts (id),
  seq          int NOT NULL,
  title        text NOT NULL,
  accepted_at  date,
  PRIMARY KEY (contract_id, seq)
);

CREATE TABLE service_catalog (
  code     text PRIMARY KEY,
  name     text NOT NULL,
  level    text NOT NULL CHECK (level IN ('basic', 'extended')),
  billing  text NOT NULL CHECK (billing IN ('free', 'norm-hours', 'estimate'))
);

INSERT INTO service_catalog (code, name, level, billing) VALUES
  ('B-HOTLINE',  'Hotline consultation', 'basic', 'free'),
  ('B-INCIDENT', 'Incident analysis and recommendation', 'basic', 'free'),
  ('B-RELEASE',  'Delivery of updates and releases', 'basic', 'free'),
  ('X-IMPORT',   'Import and conversion of external data into CityCom', 'extended', 'norm-hours'),
  ('X-EXCH',     'Regulated data-exchange procedure with a third-party system', 'extended', 'norm-hours'),
  ('X-TRAIN',    'On-site training of customer specialists', 'extended', 'norm-hours'),
  ('X-SCHEMA',   'Database configuration change (sets of semantic descriptions)', 'extended', 'norm-hours'),
  ('X-AUDIT',    'Database audit, integrity control and recovery', 'extended', 'norm-hours'),
  ('X-REPROJ',   'Re-coordination to a new topographic base', 'extended', 'norm-hours'),
  ('X-CONTENT',  'Content analysis of accumulated data for user errors', 'extended', 'norm-hours'),
  ('X-CALIB',    'Debugging and calibration of hydraulic calculation models', 'extended', 'norm-hours'),
  ('X-CUSTOM',   'Unique custom procedures, one-off or regular', 'extended', 'estimate'),
  ('X-WS',       'Workstation configuration and access rules', 'extended', 'norm-hours'),
  ('X-INTEGR',   'Integration into a single data space', 'extended', 'estimate');

-- Effective-dated rate cards: UAH per norm-hour per qualification category, excluding VAT.
CREATE TABLE rate_cards (
  id              text PRIMARY KEY,
  effective_from  date NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE rate_card_lines (
  rate_card_id           text NOT NULL REFERENCES rate_cards (id),
  category               text NOT NULL CHECK (category IN ('LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH')),
  kopecks_per_norm_hour  bigint NOT NULL CHECK (kopecks_per_norm_hour >= 0),
  PRIMARY KEY (rate_card_id, category)
);

-- People who use Potik. Engineers carry a qualification category and groups.
CREATE TABLE users (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('admin', 'pm', 'engineer', 'finance')),
  category    text CHECK (category IN ('LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH')),
  groups      text[] NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys: only the SHA-256 of the secret is kept; the prefix finds the row.
CREATE TABLE api_keys (
  id            text PRIMARY KEY,              -- public prefix of the key
  user_id       text NOT NULL REFERENCES users (id),
  secret_sha256 text NOT NULL,
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- Published definition versions are immutable.
CREATE TABLE definitions (
  id            text NOT NULL,
  version       int NOT NULL,
  title         text NOT NULL,
  service_code  text NOT NULL,
  source        text NOT NULL,
  snapshot      jsonb NOT NULL,
  sha256        text NOT NULL,
  published_by  text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- Read model of engagements, kept in step with the workflows by activities.
CREATE TABLE engagements (
  id                  uuid PRIMARY KEY,
  definition_id       text NOT NULL,
  definition_version  int NOT NULL,
  service_code        text NOT NULL,
  customer_id         text NOT NULL REFERENCES customers (id),
  project_id          text REFERENCES projects (id),
  params              jsonb NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'STARTING'
                        CHECK (status IN ('STARTING', 'RUNNING', 'AWAITING_QUOTE', 'COMPLETED', 'FAILED', 'CANCELLED', 'DENIED')),
  current_steps       text[] NOT NULL DEFAULT '{}',
  entitlement         jsonb,
  failure             text,
  launched_by         text NOT NULL REFERENCES users (id),
  idempotency_key     text,
  request_sha256      text,
  read_model_seq      bigint NOT NULL DEFAULT 0,   -- ordering guard for out-of-order read-model writes
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  closed_at           timestamptz,
  UNIQUE (launched_by, idempotency_key)
);
CREATE INDEX engagements_customer_idx ON engagements (customer_id, created_at DESC);
CREATE INDEX engagements_status_idx ON engagements (status, created_at DESC);

-- The task inbox. A task id is derived from engagement, step and iteration, so opening is idempotent.
CREATE TABLE tasks (
  id                text PRIMARY KEY,
  engagement_id     uuid NOT NULL REFERENCES engagements (id),
  step_id           text NOT NULL,
  iteration         text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('task', 'approval')),
  title             text NOT NULL,
  instructions      text,
  assignee_category text,
  assignee_group    text,
  assignee_user     text REFERENCES users (id),
  assignee_role     text,
  form              jsonb,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'completed', 'cancelled')),
  due_at            timestamptz,
  claimed_by        text REFERENCES users (id),
  completed_by      text REFERENCES users (id),
  completed_at      timestamptz,
  decision          text,
  result            jsonb,
  hours_spent       numeric(8, 2),
  comment           text,
  escalated_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open_category_idx ON tasks (assignee_category, due_at) WHERE status IN ('open', 'claimed');
CREATE INDEX tasks_open_user_idx ON tasks (assignee_user, due_at) WHERE status IN ('open', 'claimed');
CREATE INDEX tasks_open_group_idx ON tasks (assignee_group, due_at) WHERE status IN ('open', 'claimed');
CREATE INDEX tasks_engagement_idx ON tasks (engagement_id);

-- The billing ledger: append-only. A correction is a reversing row that points at the original.
CREATE TABLE billing_entries (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key    text NOT NULL UNIQUE,
  engagement_id      uuid NOT NULL REFERENCES engagements (id),
  step_id            text NOT NULL,
  iteration          text NOT NULL,
  customer_id        text NOT NULL REFERENCES customers (id),
  service_code       text NOT NULL,
  category           text NOT NULL CHECK (category IN ('LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH')),
  norm_hours         numeric(10, 2) NOT NULL,
  actual_hours       numeric(10, 2),
  rate_kopecks       bigint NOT NULL,
  amount_kopecks     bigint NOT NULL,
  vat_kopecks        bigint NOT NULL,
  billable           boolean NOT NULL,
  basis              text,
  contract_id        text REFERENCES contracts (id),
  rate_card_id       text REFERENCES rate_cards (id),
  performed_by       text REFERENCES users (id),
  reverses_id        bigint REFERENCES billing_entries (id),
  recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_entries_engagement_idx ON billing_entries (engagement_id);
CREATE INDEX billing_entries_period_idx ON billing_entries (recorded_at, customer_id);

CREATE FUNCTION billing_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'billing_entries is append-only: record a reversing entry instead';
END
$$;
CREATE TRIGGER billing_entries_append_only BEFORE UPDATE OR DELETE ON billing_entries
  FOR EACH ROW EXECUTE FUNCTION billing_entries_append_only();

-- Outgoing notifications (e-mail outbox); a sender process delivers them.
CREATE TABLE notifications (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  engagement_id    uuid REFERENCES engagements (id),
  recipient        text NOT NULL,
  subject          text NOT NULL,
  body             text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);

-- Down Migration
DROP TABLE notifications, billing_entries, tasks, engagements, definitions, api_keys, users,
  rate_card_lines, rate_cards, service_catalog, contract_stages, contracts, registered_users, projects, customers;
DROP FUNCTION billing_entries_append_only;
