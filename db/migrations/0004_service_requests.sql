-- Up Migration

-- The vendor's public "send request" form: what a customer asked for, before anyone triaged it.
-- A request is triaged once: into an engagement (of the requested service, or a basic-support
-- incident) or rejected with a reason.
CREATE TABLE service_requests (
  id               uuid PRIMARY KEY,
  reference        text NOT NULL UNIQUE,            -- shown to the requester, e.g. R-7K3QX9AB
  customer_id      text REFERENCES customers (id),  -- when the requester named a known customer
  customer_name    text,                            -- as typed, when the customer is not known by id
  contact_name     text NOT NULL,
  contact_email    text,
  contact_phone    text,
  project          text,                            -- project id or name, as typed
  service_code     text REFERENCES service_catalog (code),
  text             text NOT NULL,
  status           text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'engagement', 'incident', 'rejected')),
  engagement_id    uuid REFERENCES engagements (id),
  rejection_reason text,
  triaged_by       text REFERENCES users (id),
  triaged_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (customer_id IS NOT NULL OR customer_name IS NOT NULL),
  CHECK (contact_email IS NOT NULL OR contact_phone IS NOT NULL),
  CHECK ((status = 'new') = (triaged_at IS NULL)),
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
  CHECK (status NOT IN ('engagement', 'incident') OR engagement_id IS NOT NULL)
);
CREATE INDEX service_requests_status_idx ON service_requests (status, created_at DESC, id DESC);

-- Which customers a project manager manages: a PM sees the engagements they launched and those of
-- the customers they manage (docs/authorization.md).
CREATE TABLE customer_managers (
  customer_id  text NOT NULL REFERENCES customers (id),
  user_id      text NOT NULL REFERENCES users (id),
  PRIMARY KEY (customer_id, user_id)
);
CREATE INDEX customer_managers_user_idx ON customer_managers (user_id);

-- Keyset pages of the engagement list (newest first) and of the task inbox (oldest first).
CREATE INDEX engagements_created_idx ON engagements (created_at DESC, id DESC);
CREATE INDEX engagements_launched_by_idx ON engagements (launched_by, created_at DESC);
CREATE INDEX tasks_open_created_idx ON tasks (created_at, id) WHERE status IN ('open', 'claimed');

-- Down Migration
DROP INDEX tasks_open_created_idx;
DROP INDEX engagements_launched_by_idx;
DROP INDEX engagements_created_idx;
DROP TABLE customer_managers;
DROP TABLE service_requests;
