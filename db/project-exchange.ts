/**
 * The reads and writes of a project schema that data exchanges make (docs/exchange.md): consumers
 * with their loads, objects of named classes with their attributes, and readings (project
 * migration 0003) — read for an outgoing file, written from an incoming one. Attribute names travel
 * as a parameter, never as SQL text.
 */
import type { Queryable } from './pool.ts';
import { quoteSchema } from './schema-name.ts';

export interface ConsumerExportRow {
  id: string;
  inventory_number: string | null;
  load: number | null;
  geometry: unknown;
  attributes: Record<string, unknown> | null;
}

/** Consumer nodes with their load, feature attributes and geometry, by id. */
export async function selectConsumers(db: Queryable, schema: string): Promise<ConsumerExportRow[]> {
  const s = quoteSchema(schema);
  const { rows } = await db.query<ConsumerExportRow>(
    `SELECT n.id, f.inventory_number, n.load, f.geometry, f.attributes
       FROM ${s}.nodes n LEFT JOIN ${s}.features f ON f.id = n.id
      WHERE n.kind = 'consumer'
      ORDER BY n.id`,
  );
  return rows;
}

export interface ObjectExportRow {
  id: string;
  layer: string;
  inventory_number: string | null;
  geometry: unknown;
  attributes: Record<string, unknown>;
}

/** Objects (features) of the given classes, by class and id. */
export async function selectObjectsOfClasses(
  db: Queryable,
  schema: string,
  classes: string[],
): Promise<ObjectExportRow[]> {
  const s = quoteSchema(schema);
  const { rows } = await db.query<ObjectExportRow>(
    `SELECT id, layer, inventory_number, geometry, attributes FROM ${s}.features
      WHERE layer = ANY($1::text[]) ORDER BY layer, id`,
    [classes],
  );
  return rows;
}

export interface ReadingRow {
  node_id: string;
  quantity: string;
  read_at: Date;
  value: number;
}

/** Readings received in [from, to) (all up to `to` when `from` is null), by node, quantity and time. */
export async function selectReadingsReceived(
  db: Queryable,
  schema: string,
  window: { from: Date | null; to: Date },
): Promise<ReadingRow[]> {
  const s = quoteSchema(schema);
  const { rows } = await db.query<ReadingRow>(
    `SELECT node_id, quantity, read_at, value FROM ${s}.readings
      WHERE ($1::timestamptz IS NULL OR received_at >= $1) AND received_at < $2
      ORDER BY node_id, quantity, read_at`,
    [window.from, window.to],
  );
  return rows;
}

/**
 * Stores readings (one jsonb parameter); a reading of the same node, quantity and time is
 * replaced, so receiving a file again changes nothing. `receivedAt` is the run's period.
 */
export async function upsertReadings(
  db: Queryable,
  schema: string,
  readings: { nodeId: string; quantity: string; readAt: string; value: number }[],
  receivedAt: Date,
): Promise<number> {
  const s = quoteSchema(schema);
  const { rowCount } = await db.query(
    `INSERT INTO ${s}.readings (node_id, quantity, read_at, value, received_at)
     SELECT r."nodeId", r.quantity, r."readAt"::timestamptz, r.value, $2
       FROM jsonb_to_recordset($1::jsonb) AS r("nodeId" text, quantity text, "readAt" text, value double precision)
     ON CONFLICT (node_id, quantity, read_at) DO UPDATE SET value = EXCLUDED.value, received_at = EXCLUDED.received_at`,
    [JSON.stringify(readings), receivedAt],
  );
  return rowCount ?? 0;
}
