-- Up Migration

-- What a task's assignee needs to act without reading the definition: the results the step depends
-- on (for an approval, the work under review), the forEach item it belongs to and the last rejection
-- that sent the work back, with its comment. Written once by the workflow when the task opens.
ALTER TABLE tasks ADD COLUMN context jsonb;
-- The earliest time the task may be completed (a training day before the day itself is refused).
ALTER TABLE tasks ADD COLUMN not_before timestamptz;

-- Who asked for the cancellation, when, and why (optional), for the timeline.
ALTER TABLE engagements ADD COLUMN cancel_requested_by text REFERENCES users (id);
ALTER TABLE engagements ADD COLUMN cancel_requested_at timestamptz;
ALTER TABLE engagements ADD COLUMN cancel_reason text;

-- Down Migration
ALTER TABLE engagements DROP COLUMN cancel_reason;
ALTER TABLE engagements DROP COLUMN cancel_requested_at;
ALTER TABLE engagements DROP COLUMN cancel_requested_by;
ALTER TABLE tasks DROP COLUMN not_before;
ALTER TABLE tasks DROP COLUMN context;
