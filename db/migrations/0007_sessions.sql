-- Up Migration

-- Console sessions are signed cookies (lib/sessions.ts): the server stores no session, only what
-- ends one before its expiry. A session signed out is listed here until it would have expired
-- anyway; signing out everywhere raises the user's session epoch, which every session carries from
-- its sign-in, so all sessions signed in before end at once.
CREATE TABLE ended_sessions (
  session_id text PRIMARY KEY,
  ends_at    timestamptz NOT NULL -- the session's own expiry: after it the row is no longer needed
);
CREATE INDEX ended_sessions_ends_at_idx ON ended_sessions (ends_at);

ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE users DROP COLUMN session_epoch;
DROP TABLE ended_sessions;
