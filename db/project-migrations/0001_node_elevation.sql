-- Node elevation, metres above sea level (Baltic height system): the hydraulic model needs it to
-- turn computed heads into pressures (X-CALIB). Null where the survey has none.
ALTER TABLE {schema}.nodes ADD COLUMN IF NOT EXISTS elevation_m double precision;
