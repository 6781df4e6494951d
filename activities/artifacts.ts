/**
 * Storing an activity's deliverables as artifacts of its engagement step, once: every business
 * activity looks for what an earlier attempt stored before it does the work again, so a retry
 * neither repeats a report nor loses one. Files the customer uploaded are artifacts too (kind
 * `upload`, no step), and activities read them by name.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Queryable } from '../db/pool.ts';
import { sha256Hex } from '../lib/hash.ts';
import {
  insertArtifact,
  selectArtifact,
  selectArtifactContent,
  selectUploads,
  type ArtifactRow,
} from '../db/queries/artifacts.ts';
import type { EngagementRef } from './context.ts';

/** What an activity's output says of an artifact it stored. */
export interface ArtifactRef {
  id: number;
  name: string;
  sha256: string;
  size: number;
}

export function artifactRef(row: ArtifactRow): ArtifactRef {
  return { id: row.id, name: row.name, sha256: row.sha256, size: row.size };
}

/** Stores `content` as the step's artifact `name`; an artifact stored earlier under that name wins. */
export async function storeFile(
  db: Queryable,
  engagement: EngagementRef,
  file: { kind: string; name: string; mediaType: string; content: Buffer },
): Promise<ArtifactRow> {
  const { row } = await insertArtifact(db, {
    engagementId: engagement.id,
    stepId: engagement.stepId,
    iteration: engagement.iteration,
    ...file,
    sha256: sha256Hex(file.content),
  });
  return row;
}

/** Stores `value` as pretty-printed JSON. */
export async function storeJson(
  db: Queryable,
  engagement: EngagementRef,
  kind: string,
  name: string,
  value: unknown,
): Promise<ArtifactRow> {
  const content = Buffer.from(`${JSON.stringify(value, null, 1)}\n`);
  return storeFile(db, engagement, { kind, name, mediaType: 'application/json', content });
}

/** The step's artifact `name` when an earlier attempt stored it. */
export async function storedFile(
  db: Queryable,
  engagement: EngagementRef,
  name: string,
): Promise<{ row: ArtifactRow; content: Buffer } | null> {
  const row = await selectArtifact(db, {
    engagementId: engagement.id,
    stepId: engagement.stepId,
    iteration: engagement.iteration,
    name,
  });
  if (!row) return null;
  return { row, content: (await selectArtifactContent(db, row.id))! };
}

/** The JSON of the step's artifact `name` when an earlier attempt stored it. */
export async function storedJson<T>(
  db: Queryable,
  engagement: EngagementRef,
  name: string,
): Promise<{ row: ArtifactRow; value: T } | null> {
  const stored = await storedFile(db, engagement, name);
  return stored && { row: stored.row, value: JSON.parse(stored.content.toString('utf8')) as T };
}

/**
 * The files the customer uploaded to the engagement under `names`, with their content. A name that
 * was not uploaded fails the step without retries: the file has to be uploaded first.
 */
export async function readUploads(
  db: Queryable,
  engagementId: string,
  names: readonly string[],
): Promise<{ row: ArtifactRow; content: Buffer }[]> {
  const found = await selectUploads(db, engagementId, names);
  const missing = names.filter((name) => !found.some((file) => file.row.name === name));
  if (missing.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `not uploaded to engagement ${engagementId}: ${missing.join(', ')} (upload with PUT /v1/engagements/${engagementId}/files/<name>)`,
      'upload-missing',
    );
  }
  return names.map((name) => found.find((file) => file.row.name === name)!);
}
