/**
 * Files of an engagement: what the customer uploads (source data, a new topographic base) and what
 * its activities deliver (reports, backups' manifests, certificates). Uploads never change: the
 * same name with the same bytes is answered as already stored, with other bytes refused (409).
 * Downloads carry the sha256 the activity recorded, as ETag and Repr-Digest.
 */
import { extname } from 'node:path';
import express, { Router, type Request } from 'express';
import {
  insertUpload,
  selectArtifactOfEngagement,
  selectArtifactsOfEngagement,
  type ArtifactRow,
} from '../../db/queries/artifacts.ts';
import { AppError } from '../../lib/errors.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../app.ts';
import { DEFAULT_UPLOAD_MAX_BYTES } from '../gate.ts';
import { visibleEngagement } from './engagements.ts';

/** File names: letters (any script), digits, and `._ ()-` after the first; no paths. */
export const FILE_NAME = /^[\p{L}\p{N}][\p{L}\p{N}._ ()-]{0,199}$/u;

/** Media types by extension for uploads sent as application/octet-stream. */
const MEDIA_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.dxf': 'image/vnd.dxf',
};

function mediaTypeOf(name: string, declared: string | undefined): string {
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/octet-stream') return type;
  return MEDIA_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

function artifactView(engagementId: string, row: ArtifactRow) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    stepId: row.stepId || null,
    iteration: row.iteration || null,
    mediaType: row.mediaType,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.createdAt,
    links: { download: `/v1/engagements/${engagementId}/artifacts/${row.id}` },
  };
}

/** RFC 6266 attachment header that keeps non-ASCII names (Cyrillic file names are common). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The file a PUT of `…/files/{name}` carries: its name checked (no paths), its bytes (never empty),
 * their sha256 and media type.
 */
export function receivedFile(req: Request): { name: string; content: Buffer; sha256: string; mediaType: string } {
  const name = String(req.params.name);
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw new AppError(
      'request-invalid',
      `"${name}" is not a file name Potik stores: use letters, digits and . _ ( ) - or spaces, at most 200 characters.`,
    );
  }
  const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (content.length === 0) throw new AppError('request-invalid', `The file ${name} is empty.`);
  return { name, content, sha256: sha256Hex(content), mediaType: mediaTypeOf(name, req.get('content-type')) };
}

export function artifactRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool } = deps;
  const raw = express.raw({ type: () => true, limit: deps.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES });

  router.put('/:id/files/:name', raw, async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
    const { name, content, sha256, mediaType } = receivedFile(req);
    if (row.closed_at !== null) {
      throw new AppError(
        'engagement-not-running',
        `Engagement ${row.id} has ended as ${row.status}; it takes no files.`,
      );
    }
    const stored = await insertUpload(pool, { engagementId: row.id, name, mediaType, sha256, content });
    if (!stored.created && stored.row.sha256 !== sha256) {
      throw new AppError(
        'upload-exists',
        `A different ${name} was uploaded to engagement ${row.id} already (sha256 ${stored.row.sha256}); upload the new version under another name.`,
      );
    }
    const view = artifactView(row.id, stored.row);
    res
      .status(stored.created ? 201 : 200)
      .location(view.links.download)
      .json(view);
  });

  router.get('/:id/artifacts', async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
    const artifacts = await selectArtifactsOfEngagement(pool, row.id);
    res.json({ items: artifacts.map((artifact) => artifactView(row.id, artifact)) });
  });

  router.get('/:id/artifacts/:artifactId', async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
    const found = await selectArtifactOfEngagement(pool, row.id, Number(req.params.artifactId));
    if (!found) throw new AppError('not-found', `Engagement ${row.id} has no artifact ${req.params.artifactId}.`);
    const { row: artifact, content } = found;
    const etag = `"${artifact.sha256}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', 'private, max-age=0, must-revalidate');
    res.setHeader('repr-digest', `sha-256=:${Buffer.from(artifact.sha256, 'hex').toString('base64')}:`);
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.setHeader('content-disposition', contentDisposition(artifact.name));
    res.type(artifact.mediaType).send(content);
  });

  return router;
}
