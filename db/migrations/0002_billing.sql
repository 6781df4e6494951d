-- Up Migration

-- Why a correction was recorded; set on reversing entries, null on entries written by engagements.
ALTER TABLE billing_entries ADD COLUMN reason text;
-- An entry is reversed at most once, and a reversal is never reversed (checked by the query).
CREATE UNIQUE INDEX billing_entries_reverses_idx ON billing_entries (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX billing_entries_customer_idx ON billing_entries (customer_id, id);

-- Gap-free act numbers per calendar year: the counter row is incremented in the transaction that
-- creates the act and stays locked until it commits, so a rolled-back act leaves no hole (a
-- SEQUENCE would). Concurrent creations in one year queue on this row.
CREATE TABLE act_counters (
  year         int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
  last_number  int NOT NULL CHECK (last_number > 0)
);

-- Acts of services rendered (акт наданих послуг): per engagement, or per period for periodic work.
CREATE TABLE acts (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  year                     int NOT NULL,
  seq                      int NOT NULL CHECK (seq > 0),
  number                   text NOT NULL UNIQUE,           -- as printed: YYYY-NNNN
  act_date                 date NOT NULL,                  -- Europe/Kyiv date of the act
  customer_id              text NOT NULL REFERENCES customers (id),
  contract_id              text REFERENCES contracts (id),
  engagement_id            uuid REFERENCES engagements (id),
  period_from              date,
  period_to                date,
  status                   text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'signed')),
  currency                 text NOT NULL DEFAULT 'UAH',
  vat_rate_percent         int NOT NULL CHECK (vat_rate_percent BETWEEN 0 AND 100),
  amount_excl_vat_kopecks  bigint NOT NULL,
  vat_kopecks              bigint NOT NULL,
  amount_incl_vat_kopecks  bigint NOT NULL,
  created_by               text NOT NULL REFERENCES users (id),
  created_at               timestamptz NOT NULL DEFAULT now(),
  issued_by                text REFERENCES users (id),
  issued_at                timestamptz,
  signed_by                text REFERENCES users (id),
  signed_at                timestamptz,
  UNIQUE (year, seq),
  CHECK (year = extract(year FROM act_date)),
  CHECK (engagement_id IS NOT NULL OR (period_from IS NOT NULL AND period_to IS NOT NULL AND period_from <= period_to)),
  CHECK (amount_incl_vat_kopecks = amount_excl_vat_kopecks + vat_kopecks),
  CHECK ((status = 'draft') = (issued_at IS NULL)),
  CHECK ((status = 'signed') = (signed_at IS NOT NULL))
);
CREATE INDEX acts_engagement_idx ON acts (engagement_id, id);
CREATE INDEX acts_customer_idx ON acts (customer_id, act_date);

-- Only the status moves, and only forward: draft → issued → signed. Everything else is fixed at creation.
CREATE FUNCTION acts_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'acts are never deleted: a wrong act is corrected by a new one';
  END IF;
  IF (OLD.status, NEW.status) NOT IN (('draft', 'issued'), ('issued', 'signed')) THEN
    RAISE EXCEPTION 'act % cannot go from % to %', OLD.number, OLD.status, NEW.status;
  END IF;
  IF (NEW.id, NEW.year, NEW.seq, NEW.number, NEW.act_date, NEW.customer_id, NEW.contract_id, NEW.engagement_id,
      NEW.amount_excl_vat_kopecks, NEW.vat_kopecks, NEW.amount_incl_vat_kopecks)
     IS DISTINCT FROM
     (OLD.id, OLD.year, OLD.seq, OLD.number, OLD.act_date, OLD.customer_id, OLD.contract_id, OLD.engagement_id,
      OLD.amount_excl_vat_kopecks, OLD.vat_kopecks, OLD.amount_incl_vat_kopecks) THEN
    RAISE EXCEPTION 'act % can only change its status', OLD.number;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER acts_forward_only BEFORE UPDATE OR DELETE ON acts
  FOR EACH ROW EXECUTE FUNCTION acts_forward_only();

-- One line per category and rate: norm-hours × rate rounded once, then the line's VAT.
CREATE TABLE act_lines (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  act_id                   bigint NOT NULL REFERENCES acts (id),
  line_no                  int NOT NULL CHECK (line_no > 0),
  category                 text NOT NULL CHECK (category IN ('LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH')),
  norm_hours               numeric(10, 2) NOT NULL,
  rate_kopecks             bigint NOT NULL CHECK (rate_kopecks >= 0),
  amount_excl_vat_kopecks  bigint NOT NULL,
  vat_rate_percent         int NOT NULL CHECK (vat_rate_percent BETWEEN 0 AND 100),
  vat_kopecks              bigint NOT NULL,
  amount_incl_vat_kopecks  bigint NOT NULL,
  UNIQUE (act_id, line_no),
  CHECK (amount_incl_vat_kopecks = amount_excl_vat_kopecks + vat_kopecks)
);

-- Which ledger entries an act bills. The primary key puts an entry on at most one act; the ledger
-- itself stays append-only. act_line_id is null for entries whose group nets to nothing
-- (an entry and its reversal on the same act).
CREATE TABLE act_entries (
  entry_id     bigint PRIMARY KEY REFERENCES billing_entries (id),
  act_id       bigint NOT NULL REFERENCES acts (id),
  act_line_id  bigint REFERENCES act_lines (id)
);
CREATE INDEX act_entries_act_idx ON act_entries (act_id);
CREATE INDEX act_entries_line_idx ON act_entries (act_line_id);

-- Quotes: norm-hours × rate per category, for the customer to approve before billable work (basis c).
CREATE TABLE estimates (
  id                       uuid PRIMARY KEY,
  engagement_id            uuid NOT NULL REFERENCES engagements (id),
  rate_card_id             text NOT NULL REFERENCES rate_cards (id),
  status                   text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'expired', 'rejected')),
  valid_until              date NOT NULL,
  vat_rate_percent         int NOT NULL CHECK (vat_rate_percent BETWEEN 0 AND 100),
  amount_excl_vat_kopecks  bigint NOT NULL,
  vat_kopecks              bigint NOT NULL,
  amount_incl_vat_kopecks  bigint NOT NULL,
  created_by               text NOT NULL REFERENCES users (id),
  created_at               timestamptz NOT NULL DEFAULT now(),
  decided_by               text,                           -- a user id, or the customer's signatory
  decided_at               timestamptz,
  CHECK (amount_incl_vat_kopecks = amount_excl_vat_kopecks + vat_kopecks),
  CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL))
);
CREATE INDEX estimates_engagement_idx ON estimates (engagement_id, created_at DESC);
-- At most one approved estimate per engagement: it is the agreed scope the work is billed from.
CREATE UNIQUE INDEX estimates_one_approved_idx ON estimates (engagement_id) WHERE status = 'approved';

CREATE TABLE estimate_lines (
  estimate_id              uuid NOT NULL REFERENCES estimates (id),
  category                 text NOT NULL CHECK (category IN ('LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH')),
  norm_hours               numeric(10, 2) NOT NULL CHECK (norm_hours >= 0),
  rate_kopecks             bigint NOT NULL CHECK (rate_kopecks >= 0),
  amount_excl_vat_kopecks  bigint NOT NULL,
  vat_kopecks              bigint NOT NULL,
  amount_incl_vat_kopecks  bigint NOT NULL,
  PRIMARY KEY (estimate_id, category),
  CHECK (amount_incl_vat_kopecks = amount_excl_vat_kopecks + vat_kopecks)
);

-- Down Migration
DROP TABLE estimate_lines, estimates, act_entries, act_lines, acts, act_counters;
DROP FUNCTION acts_forward_only;
DROP INDEX billing_entries_customer_idx, billing_entries_reverses_idx;
ALTER TABLE billing_entries DROP COLUMN reason;
