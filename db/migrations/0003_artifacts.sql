-- Up Migration

-- Files an engagement's activities produce (audit reports, backup manifests, diffs), stored once per
-- engagement step and iteration: a retried activity finds its artifact instead of adding another.
CREATE TABLE artifacts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  engagement_id  uuid NOT NULL REFERENCES engagements (id),
  step_id        text NOT NULL,
  iteration      text NOT NULL,
  kind           text NOT NULL,               -- audit-report, backup-manifest, diff-report, …
  name           text NOT NULL,               -- file name, e.g. audit-report.json
  media_type     text NOT NULL,
  sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size           bigint NOT NULL CHECK (size >= 0),
  content        bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (engagement_id, step_id, iteration, name)
);
CREATE INDEX artifacts_engagement_idx ON artifacts (engagement_id, created_at);

-- Down Migration
DROP TABLE artifacts;
