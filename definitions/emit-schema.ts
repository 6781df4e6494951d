/**
 * Writes the process-definition JSON Schema generated from `schema.ts` to
 * `schema/process-definition.schema.json`, the file editors and the API serve.
 * Run: `npx tsx definitions/emit-schema.ts`. A unit test fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processDefinitionSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./schema/process-definition.schema.json', import.meta.url));

/** The committed text of the schema: two-space JSON with a final newline. */
export function renderSchema(): string {
  return `${JSON.stringify(processDefinitionSchema, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
