-- Up Migration

-- B-RELEASE, delivery of new versions. Basic support delivers a release to the customer's active
-- registered users on a licensed project whose licence still includes new versions and whose
-- installed version is older. Each user gets a release once (one delivery row per user and release),
-- with a signed download link that expires; each download is recorded.

-- The last day a project's licence includes new versions (its support period); NULL: no end.
ALTER TABLE projects ADD COLUMN support_until date;

-- The version of a product each project runs: what a release is compared with.
CREATE TABLE project_installations (
  project_id    text NOT NULL REFERENCES projects (id),
  product       text NOT NULL,
  version       text NOT NULL CHECK (version ~ '^[0-9]{1,6}(\.[0-9]{1,6}){1,2}$'),
  installed_at  date,
  PRIMARY KEY (project_id, product)
);

-- The release register an admin keeps: one row per product version, its files below.
CREATE TABLE releases (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product     text NOT NULL,
  version     text NOT NULL CHECK (version ~ '^[0-9]{1,6}(\.[0-9]{1,6}){1,2}$'),
  notes       text NOT NULL DEFAULT '',
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product, version)
);

-- A release's files, stored like artifacts: bytes with their sha256, never changed once stored.
CREATE TABLE release_files (
  release_id  bigint NOT NULL REFERENCES releases (id),
  name        text NOT NULL,
  media_type  text NOT NULL,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size        bigint NOT NULL CHECK (size > 0),
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (release_id, name)
);

-- One delivery per registered user and release: a retried or repeated delivery finds the row.
CREATE TABLE release_deliveries (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_id          bigint NOT NULL REFERENCES releases (id),
  registered_user_id  bigint NOT NULL REFERENCES registered_users (id),
  customer_id         text NOT NULL REFERENCES customers (id),
  project_id          text NOT NULL REFERENCES projects (id),
  engagement_id       uuid NOT NULL REFERENCES engagements (id),
  recipient           text NOT NULL,
  installed_version   text NOT NULL,
  link_expires_at     timestamptz NOT NULL,
  delivered_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (release_id, registered_user_id)
);
CREATE INDEX release_deliveries_engagement_idx ON release_deliveries (engagement_id);

-- Every download through a delivery's link.
CREATE TABLE release_downloads (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id    bigint NOT NULL REFERENCES release_deliveries (id),
  file_name      text NOT NULL,
  sha256         text NOT NULL,
  downloaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX release_downloads_delivery_idx ON release_downloads (delivery_id);

-- HMAC keys kept in the database, one per purpose, for when none is configured: the worker that
-- signs a download link and the API that checks it then agree without sharing configuration.
CREATE TABLE signing_keys (
  purpose     text PRIMARY KEY,
  secret      bytea NOT NULL CHECK (length(secret) >= 32),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- release.publish is implemented now: offer the release delivery again (catalog publishing
-- recomputes this at every start; clearing it here offers it before the next one).
UPDATE definitions SET not_offered_reason = NULL WHERE id = 'release-delivery';

-- Down Migration
DROP TABLE signing_keys, release_downloads, release_deliveries, release_files, releases, project_installations;
ALTER TABLE projects DROP COLUMN support_until;
