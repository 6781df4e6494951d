-- Up Migration

-- Regular procedures (docs/exchange.md): a Temporal Schedule per accepted data exchange (X-EXCH) or
-- regular custom procedure (X-CUSTOM), owned by the engagement that agreed it. Temporal keeps the
-- schedule itself (its calendar, pause state, next runs); this row keeps what Potik must know about
-- it without asking Temporal: whose it is, what each run does and what a run bills.
CREATE TABLE regular_schedules (
  id             text PRIMARY KEY,                              -- the Temporal schedule id
  engagement_id  uuid NOT NULL REFERENCES engagements (id),     -- the owning engagement
  kind           text NOT NULL CHECK (kind IN ('exchange', 'procedure')),
  title          text NOT NULL,
  procedure      jsonb NOT NULL,      -- the compiled exchange spec, or the agreed procedure and its norm
  norm           jsonb,               -- norm-hours billed per run (NULL: runs are not billed)
  created_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  deleted_reason text
);
CREATE INDEX regular_schedules_engagement_idx ON regular_schedules (engagement_id);

-- One row per period of a schedule: a retry or a backfill of the same period finds its row, so a
-- period's file is written (and its run billed) once.
CREATE TABLE schedule_runs (
  schedule_id    text NOT NULL REFERENCES regular_schedules (id),
  period         timestamptz NOT NULL,                          -- the scheduled (nominal) time of the run
  workflow_id    text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
  file_name      text,
  row_count      int,
  byte_count     bigint,
  sha256         text,
  message        text,
  task_id        text,                                          -- the task opened for the engineer on duty
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  PRIMARY KEY (schedule_id, period)
);

-- X-EXCH is offered again: exchange.testInterface has its implementation. Catalog publishing decides
-- this at every start as well; the update keeps a database migrated before the next start consistent.
UPDATE definitions SET not_offered_reason = NULL
 WHERE id = 'data-exchange' AND not_offered_reason LIKE '%exchange.testInterface%';

-- Down Migration
DROP TABLE schedule_runs;
DROP TABLE regular_schedules;
