-- Up Migration

-- Training certificates (X-TRAIN): numbered gap-free per calendar year like acts — the counter row
-- is incremented in the transaction that issues the certificate and stays locked until it commits,
-- so a rolled-back issue leaves no hole. One certificate per engagement and attendee: a retried
-- issue finds the one it made.
CREATE TABLE certificate_counters (
  year         int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2999),
  last_number  int NOT NULL CHECK (last_number > 0)
);

CREATE TABLE certificates (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  year           int NOT NULL,
  seq            int NOT NULL CHECK (seq > 0),
  number         text NOT NULL UNIQUE,             -- as printed: CC-YYYY-NNNN
  engagement_id  uuid NOT NULL REFERENCES engagements (id),
  attendee       text NOT NULL CHECK (attendee <> ''),
  hours          numeric(10, 2) NOT NULL CHECK (hours >= 0),
  share          numeric(6, 4) NOT NULL CHECK (share >= 0),
  issued_at      timestamptz NOT NULL,
  artifact_id    bigint REFERENCES artifacts (id),
  UNIQUE (year, seq),
  UNIQUE (engagement_id, attendee)
);

-- The act line a ledger entry goes on when a definition names one (training-hours, preparation,
-- travel, …); null for entries billed by category alone. Acts group entries by line, category and rate.
ALTER TABLE billing_entries ADD COLUMN line text CHECK (line ~ '^[a-z][a-z0-9-]{0,62}$');
ALTER TABLE act_lines ADD COLUMN line text;

-- Down Migration
ALTER TABLE act_lines DROP COLUMN line;
ALTER TABLE billing_entries DROP COLUMN line;
DROP TABLE certificates, certificate_counters;
