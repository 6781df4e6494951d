-- Up Migration

-- X-SCHEMA and X-WS are offered again: their work is implemented (schema.applyChange,
-- workstation.applyConfiguration) and the catalog publishes version 2 of each, whose forms carry
-- the change set and the function matrix; catalog publishing offers them at the next start. Version 1
-- of each stays published but withdrawn: its forms carry neither, so an engagement of it could not
-- do the work. Its old reason ("not implemented yet") would no longer be true; this says why instead.
UPDATE definitions
SET not_offered_reason = 'superseded by schema-change version 2: version 1''s design form carries no change set (docs/schema-change.md)'
WHERE id = 'schema-change' AND version = 1;

UPDATE definitions
SET not_offered_reason = 'superseded by workstations version 2: version 1''s rules form carries no function matrix (docs/workstations.md)'
WHERE id = 'workstations' AND version = 1;

-- Down Migration
UPDATE definitions
SET not_offered_reason = 'step ''apply-change'': activity ''schema.applyChange'' is not implemented yet, so the definition cannot be offered'
WHERE id = 'schema-change' AND version = 1;

UPDATE definitions
SET not_offered_reason = 'step ''configure'': activity ''workstation.applyConfiguration'' is not implemented yet, so the definition cannot be offered'
WHERE id = 'workstations' AND version = 1;
