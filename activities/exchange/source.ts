/**
 * The source of an outgoing exchange: a named read of the project (consumers and loads, objects of
 * classes with attributes, readings received) as a table. The columns come first in a fixed order,
 * then the attributes the spec names, in its order.
 */
import { selectConsumers, selectObjectsOfClasses, selectReadingsReceived } from '../../db/project-exchange.ts';
import { projectSchemaExists } from '../../db/project-schema.ts';
import type { Queryable } from '../../db/pool.ts';
import type { ExchangeSource } from '../../definitions/exchange/exchange-spec.ts';
import type { Cell, ExchangeTable } from './table.ts';

function attributeCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

export interface ReadWindow {
  /** The scheduled time of the run: what was received before it. */
  period: Date;
  /** The scheduled time of the previous period, for `changes: sinceLastRun`. */
  previousPeriod: Date | null;
}

export async function readSource(
  db: Queryable,
  schema: string,
  source: ExchangeSource,
  window: ReadWindow,
): Promise<ExchangeTable> {
  if (!(await projectSchemaExists(db, schema))) throw new Error(`the project schema ${schema} does not exist`);
  const extra = source.attributes;
  switch (source.kind) {
    case 'consumers': {
      const rows = await selectConsumers(db, schema);
      return {
        columns: ['id', 'inventory_number', 'load', ...extra],
        rows: rows.map((r) => ({
          cells: [r.id, r.inventory_number, r.load, ...extra.map((a) => attributeCell(r.attributes?.[a]))],
          geometry: r.geometry,
        })),
      };
    }
    case 'objects': {
      const rows = await selectObjectsOfClasses(db, schema, source.classes);
      return {
        columns: ['id', 'class', 'inventory_number', ...extra],
        rows: rows.map((r) => ({
          cells: [r.id, r.layer, r.inventory_number, ...extra.map((a) => attributeCell(r.attributes[a]))],
          geometry: r.geometry,
        })),
      };
    }
    case 'readings': {
      const from = source.changes === 'sinceLastRun' ? window.previousPeriod : null;
      const rows = await selectReadingsReceived(db, schema, { from, to: window.period });
      return {
        columns: ['node_id', 'quantity', 'read_at', 'value'],
        rows: rows.map((r) => ({ cells: [r.node_id, r.quantity, r.read_at.toISOString(), r.value] })),
      };
    }
  }
}
