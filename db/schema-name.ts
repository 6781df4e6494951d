/** Schema names of projects and their copies: validated before they are quoted into SQL. */
import pg from 'pg';

/** A valid schema name: lower-case ASCII, digits and underscores, at most 41 characters. */
export const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,40}$/;

/** Throws unless `name` is a valid schema name; returns it quoted for SQL. */
export function quoteSchema(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new Error(`invalid schema name: ${JSON.stringify(name)}`);
  return pg.escapeIdentifier(name);
}
