-- Up Migration

-- Sign-in for people: a user name and password open a console session (console/sign-in.ts); API
-- keys stay for programs. The hash is scrypt with its parameters and salt in the value
-- (lib/passwords.ts), so they can be raised later without a migration. Failed sign-ins are counted
-- per user; past the limit the account is locked until `locked_until`, and a success clears both.
CREATE TABLE user_passwords (
  user_id         text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  hash            text NOT NULL,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The console's inbox lists open tasks by due time (console/pages/inbox.ts): walked in that order
-- from the keyset cursor instead of sorting every visible open task per page.
CREATE INDEX tasks_open_due_idx ON tasks (due_at, id) WHERE status IN ('open', 'claimed');
-- Its "mine" view (assigned to or claimed by me) finds the claimed ones here, beside
-- tasks_open_user_idx, instead of walking every open task.
CREATE INDEX tasks_open_claimed_idx ON tasks (claimed_by, due_at) WHERE status IN ('open', 'claimed');

-- Down Migration
DROP INDEX tasks_open_claimed_idx;
DROP INDEX tasks_open_due_idx;
DROP TABLE user_passwords;
