-- Up Migration

-- Old municipal coordinate systems (docs/reprojection.md, "Municipal systems"): a local system with
-- unpublished keys, defined by the transformation fitted to its tie points towards a published base
-- CRS. An entry never changes once stored — files and projects were read through it, so a new fit is
-- a new code.
CREATE TABLE municipal_crs (
  code         text PRIMARY KEY CHECK (code ~ '^LOCAL:[A-Z0-9][A-Z0-9_-]{1,62}$'),
  name         text NOT NULL CHECK (name <> ''),
  base_crs     text NOT NULL CHECK (base_crs ~ '^EPSG:[0-9]+$'),
  method       text NOT NULL CHECK (method IN ('shift', 'helmert2d', 'affine', 'polynomial2')),
  model        jsonb NOT NULL,                 -- the fitted model, local → base
  rms_m        double precision NOT NULL CHECK (rms_m >= 0),
  extent       jsonb NOT NULL,                 -- the tie points' extent in the local system
  margin_m     double precision NOT NULL CHECK (margin_m >= 0),
  source       text,
  fit          jsonb NOT NULL,                 -- every candidate model with its residuals: the residual report
  tie_points   jsonb NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL
);

CREATE FUNCTION municipal_crs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'municipal coordinate system % is immutable: define a new code instead', OLD.code;
END;
$$;

CREATE TRIGGER municipal_crs_immutable BEFORE UPDATE OR DELETE ON municipal_crs
  FOR EACH ROW EXECUTE FUNCTION municipal_crs_immutable();

-- Down Migration
DROP TABLE municipal_crs;
DROP FUNCTION municipal_crs_immutable();
