-- The semantic description of each object class as data (X-SCHEMA, docs/schema-change.md): per
-- class (a `layers` code) its attributes with type, unit, whether required, the dictionary their
-- values come from and the default. Objects keep their values in `features.attributes`; a JSON
-- Schema per class is derived from these rows and validates them.
CREATE TABLE IF NOT EXISTS {schema}.class_attributes (
  layer          text NOT NULL,
  name           text NOT NULL,
  type           text NOT NULL CHECK (type IN ('string', 'integer', 'number', 'boolean', 'date', 'year')),
  unit           text,
  required       boolean NOT NULL DEFAULT false,
  dictionary     text,
  default_value  jsonb,
  position       int NOT NULL,
  PRIMARY KEY (layer, name)
);

-- Every change applied, with what it needs to be reversed exactly: the attribute sets of the classes
-- it changed, before and after, and the change set that reverses it.
CREATE TABLE IF NOT EXISTS {schema}.schema_changes (
  change_id          text PRIMARY KEY,
  change_set         jsonb NOT NULL,
  reverse_change_set jsonb NOT NULL,
  classes            text[] NOT NULL,
  attributes_before  jsonb NOT NULL,
  attributes_after   jsonb NOT NULL,
  reverses           text,
  reversed_by        text,
  applied_at         timestamptz NOT NULL DEFAULT now()
);

-- Each object value a change altered or removed, before and after (absent: not present). Removed
-- values stay here, and a reverse change puts the `before` values back.
CREATE TABLE IF NOT EXISTS {schema}.attribute_archive (
  change_id       text NOT NULL,
  layer           text NOT NULL,
  object_id       text NOT NULL,
  attribute       text NOT NULL,
  before_present  boolean NOT NULL,
  before_value    jsonb,
  after_present   boolean NOT NULL,
  after_value     jsonb,
  PRIMARY KEY (change_id, object_id, attribute)
);

-- Seed the attribute sets of classes that have none from the values their objects hold: a key is an
-- attribute; its type is integer, number or boolean when every value is one, else string; it is
-- required when every object of the class has a value. Classes with a set recorded are left alone,
-- so running this again (a copy made table by table, an activity making sure) changes nothing.
INSERT INTO {schema}.class_attributes (layer, name, type, required, position)
SELECT v.layer, v.name,
  CASE
    WHEN count(*) FILTER (WHERE jsonb_typeof(v.value) <> 'null') = 0 THEN 'string'
    WHEN bool_and(jsonb_typeof(v.value) = 'number') FILTER (WHERE jsonb_typeof(v.value) <> 'null') THEN
      CASE WHEN bool_and(CASE WHEN jsonb_typeof(v.value) = 'number' THEN (v.value::text)::numeric % 1 = 0 END)
             FILTER (WHERE jsonb_typeof(v.value) <> 'null')
           THEN 'integer' ELSE 'number' END
    WHEN bool_and(jsonb_typeof(v.value) = 'boolean') FILTER (WHERE jsonb_typeof(v.value) <> 'null') THEN 'boolean'
    ELSE 'string'
  END,
  count(*) FILTER (WHERE jsonb_typeof(v.value) <> 'null') = max(n.objects),
  row_number() OVER (PARTITION BY v.layer ORDER BY v.name)
FROM (SELECT f.layer, e.key AS name, e.value FROM {schema}.features f, 
  jsonb_each(CASE WHEN jsonb_typeof(f.attributes) = 'object' THEN f.attributes ELSE '{}' END) e) v
JOIN (SELECT layer, count(*) AS objects FROM {schema}.features GROUP BY layer) n ON n.layer = v.layer
WHERE NOT EXISTS (SELECT 1 FROM {schema}.class_attributes c WHERE c.layer = v.layer)
GROUP BY v.layer, v.name
ORDER BY v.layer, v.name;
