/**
 * Publishes the catalog files (definitions/catalog/*.yaml) as immutable versions. Run at start:
 * unchanged files are no-ops; a file whose content changed under a published version is reported,
 * never overwritten — raise its `version` to publish the change. A file that names work the worker
 * does not implement yet is published as not offered, with the reason (file:line:column); whether a
 * catalog version is offered is decided afresh at every run, so it is offered once its work lands.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { insertDefinition, selectDefinitionOffers, updateDefinitionOffer } from '../db/queries/definitions.ts';
import type { Queryable } from '../db/pool.ts';
import { inspectDefinition } from './loader.ts';
import { notOfferedReason, subprocessProblemOf, type OfferState } from './offers.ts';

export const CATALOG_DIR = fileURLToPath(new URL('./catalog', import.meta.url));

export interface PublishReport {
  published: string[];
  unchanged: string[];
  conflicts: string[];
  /** Catalog versions kept but not offered yet, each with why. */
  notOffered: string[];
}

export async function publishCatalog(
  db: Queryable,
  publishedBy = 'catalog',
  dir = CATALOG_DIR,
): Promise<PublishReport> {
  const report: PublishReport = { published: [], unchanged: [], conflicts: [], notOffered: [] };
  const names = (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const source = await readFile(path, 'utf8');
      return { name, source, file: relative(process.cwd(), path) };
    }),
  );
  // Each file on its own first (its activities), then subprocesses to a fixed point: a definition
  // that runs one not offered is not offered either, whichever file comes first.
  const states = new Map<string, OfferState>();
  for (const row of await selectDefinitionOffers(db)) states.set(`${row.id}@${row.version}`, row);
  const own = files.map(({ source, file }) => {
    const { compiled, notOffered } = inspectDefinition(source, file);
    const { id, version } = compiled.snapshot;
    states.set(`${id}@${version}`, { id, version, not_offered_reason: notOfferedReason(notOffered) });
    return compiled.snapshot;
  });
  for (let changed = true; changed;) {
    changed = false;
    const problem = subprocessProblemOf(states.values());
    for (const snapshot of own) {
      const key = `${snapshot.id}@${snapshot.version}`;
      if (states.get(key)!.not_offered_reason !== null) continue;
      const blocked = Object.values(snapshot.steps).some(
        (step) => step.kind === 'subprocess' && problem(step.definition, step.version) !== undefined,
      );
      if (blocked) {
        states.set(key, { id: snapshot.id, version: snapshot.version, not_offered_reason: 'subprocess' });
        changed = true;
      }
    }
  }
  const subprocessProblem = subprocessProblemOf(states.values());
  for (const { name, source, file } of files) {
    const { compiled, notOffered } = inspectDefinition(source, file, { subprocessProblem });
    const reason = notOfferedReason(notOffered);
    const { outcome } = await insertDefinition(db, { source, compiled, publishedBy, notOfferedReason: reason });
    const { id, version } = compiled.snapshot;
    const label = `${id}@${version}`;
    if (outcome === 'conflict') {
      report.conflicts.push(`${label} (${name} changed; raise its version to publish the change)`);
      continue;
    }
    if (outcome === 'published') report.published.push(label);
    else {
      report.unchanged.push(label);
      await updateDefinitionOffer(db, { id, version, notOfferedReason: reason });
    }
    if (reason !== null) report.notOffered.push(`${label}: ${reason}`);
  }
  return report;
}
