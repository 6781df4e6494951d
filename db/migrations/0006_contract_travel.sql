-- Up Migration

-- Whether the contract bills travel (the `travel` act line of a training, DOMAIN.md: "travel per
-- contract"). When false, a travel entry under it is still written to the ledger with its hours, as
-- non-billable at zero amount and VAT, its `reason` saying so; acts skip it. Defaults to billing
-- travel, as every contract did before this column.
ALTER TABLE contracts ADD COLUMN bills_travel boolean NOT NULL DEFAULT true;

-- Down Migration
ALTER TABLE contracts DROP COLUMN bills_travel;
