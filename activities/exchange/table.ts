/**
 * What an exchange moves: a table of named columns and rows of plain values, with an optional
 * geometry per row (GeoJSON writes it; the other formats leave it out).
 */
export type Cell = string | number | boolean | null;

export interface ExchangeRow {
  cells: Cell[];
  geometry?: unknown;
}

export interface ExchangeTable {
  columns: string[];
  rows: ExchangeRow[];
}
