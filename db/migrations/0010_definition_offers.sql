-- Up Migration

-- Why a published version is not offered yet (NULL: it is offered). A catalog definition that names
-- work the worker does not implement yet (an activity still to come, or a subprocess that is not
-- offered) is kept, listed with this reason and refused at launch, instead of hanging once launched.
-- Catalog publishing sets and clears it at every start, so a definition is offered again as soon as
-- its work lands; the published source and snapshot never change.
ALTER TABLE definitions ADD COLUMN not_offered_reason text;

-- Down Migration
ALTER TABLE definitions DROP COLUMN not_offered_reason;
