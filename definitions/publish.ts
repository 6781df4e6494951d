/**
 * Publishes the catalog files (definitions/catalog/*.yaml) as immutable versions. Run at start:
 * unchanged files are no-ops; a file whose content changed under a published version is reported,
 * never overwritten — raise its `version` to publish the change.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { insertDefinition } from '../db/queries/definitions.ts';
import type { Queryable } from '../db/pool.ts';
import { loadDefinition } from './loader.ts';

export const CATALOG_DIR = fileURLToPath(new URL('./catalog', import.meta.url));

export interface PublishReport {
  published: string[];
  unchanged: string[];
  conflicts: string[];
}

export async function publishCatalog(
  db: Queryable,
  publishedBy = 'catalog',
  dir = CATALOG_DIR,
): Promise<PublishReport> {
  const report: PublishReport = { published: [], unchanged: [], conflicts: [] };
  const files = (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
  for (const name of files) {
    const path = join(dir, name);
    const source = await readFile(path, 'utf8');
    const compiled = loadDefinition(source, relative(process.cwd(), path));
    const { outcome } = await insertDefinition(db, { source, compiled, publishedBy });
    const label = `${compiled.snapshot.id}@${compiled.snapshot.version}`;
    if (outcome === 'published') report.published.push(label);
    else if (outcome === 'unchanged') report.unchanged.push(label);
    else report.conflicts.push(`${label} (${name} changed; raise its version to publish the change)`);
  }
  return report;
}
