/**
 * The X-IMPORT engagement the activity suites work in: a data-import engagement of a Kharkiv
 * vodokanal project with Chuhuiv fixtures (test/fixtures/import) uploaded as the PM would.
 */
import { readFileSync } from 'node:fs';
import type { Pool } from '../../db/pool.ts';
import { insertUpload } from '../../db/queries/artifacts.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { insertActivityEngagement, type EngagementOfSteps } from '../helpers/activity-environment.ts';

export const FIXTURES = new URL('../fixtures/import/', import.meta.url);

/** The bytes of one fixture file. */
export const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));

/** Inserts the engagement and uploads the named fixture files to it (kind `upload`, no step). */
export async function insertImportEngagement(
  pool: Pool,
  projectId: string,
  files: readonly string[],
): Promise<EngagementOfSteps> {
  const engagement = await insertActivityEngagement(pool, {
    definitionId: 'data-import',
    definitionVersion: 2,
    serviceCode: 'X-IMPORT',
    customerId: 'kp-vodokanal',
    projectId,
    params: { projectId },
  });
  for (const name of files) await uploadFile(pool, engagement.id, name, fixture(name));
  return engagement;
}

/** Uploads one file to the engagement as the PM would (kind `upload`, no step). */
export async function uploadFile(pool: Pool, engagementId: string, name: string, content: Buffer): Promise<void> {
  await insertUpload(pool, {
    engagementId,
    name,
    mediaType: 'application/octet-stream',
    sha256: sha256Hex(content),
    content,
  });
}
