/**
 * The release register (B-RELEASE, docs/release.md): admins register a product version with its
 * notes and add its files (bytes with their sha256, never changed once stored); PMs read it to
 * launch a delivery. The download route is public: the signed link a delivery's e-mail carries is
 * the credential. A changed link is refused (403), an expired one answers 410; a download is
 * recorded and carries the file's sha256 as `Repr-Digest` (RFC 9530) and `ETag`.
 */
import express, { Router } from 'express';
import { releaseLinkSecret } from '../../activities/release/link-secret.ts';
import { VERSION_PATTERN } from '../../activities/release/versions.ts';
import { insertDownload, selectDelivery, selectDeliveryCounts } from '../../db/queries/release-deliveries.ts';
import {
  insertRelease,
  insertReleaseFile,
  selectRelease,
  selectReleaseFileContent,
  selectReleaseFiles,
  selectReleases,
  type ReleaseRow,
} from '../../db/queries/releases.ts';
import { checkDownload } from '../../lib/download-links.ts';
import { AppError } from '../../lib/errors.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../app.ts';
import { refuseField } from '../field-errors.ts';
import { DEFAULT_UPLOAD_MAX_BYTES } from '../gate.ts';
import { fileView, releaseView } from '../release-view.ts';
import { contentDisposition, receivedFile } from './artifacts.ts';

/** Body of `POST /v1/releases` (schema: ReleaseBody). */
export interface ReleaseBody {
  product?: string;
  version: string;
  notes?: string;
}

const digestOf = (sha256: string) => `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`;

async function releaseOrNotFound(deps: RouteDeps, id: string): Promise<ReleaseRow> {
  const release = /^[0-9]{1,15}$/.test(id) ? await selectRelease(deps.pool, Number(id)) : null;
  if (!release) throw new AppError('not-found', `There is no release ${id}.`);
  return release;
}

export function releaseRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool } = deps;
  const raw = express.raw({ type: () => true, limit: deps.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES });

  router.get('/', async (_req, res) => {
    const releases = await selectReleases(pool);
    const files = await selectReleaseFiles(
      pool,
      releases.map((r) => r.id),
    );
    res.json({ items: releases.map((release) => releaseView(release, files)) });
  });

  router.post('/', async (req, res) => {
    const body = req.body as ReleaseBody;
    if (!VERSION_PATTERN.test(body.version)) {
      refuseField('/version', 'must be a version like 3.2 or 3.2.1');
    }
    const product = body.product ?? 'CityCom';
    const created = await insertRelease(pool, {
      product,
      version: body.version,
      notes: body.notes ?? '',
      createdBy: callerOf(req).id,
    });
    if (!created) {
      throw new AppError(
        'release-exists',
        `${product} ${body.version} is in the release register already; releases never change, register another version.`,
        { errors: [{ path: '/version', message: 'is registered already' }] },
      );
    }
    res.status(201).location(`/v1/releases/${created.id}`).json(releaseView(created, []));
  });

  router.get('/:id', async (req, res) => {
    const release = await releaseOrNotFound(deps, String(req.params.id));
    const files = await selectReleaseFiles(pool, [release.id]);
    res.json({ ...releaseView(release, files), ...(await selectDeliveryCounts(pool, release.id)) });
  });

  router.put('/:id/files/:name', raw, async (req, res) => {
    const release = await releaseOrNotFound(deps, String(req.params.id));
    const { name, content, sha256, mediaType } = receivedFile(req);
    const stored = await insertReleaseFile(pool, { releaseId: release.id, name, mediaType, sha256, content });
    if (!stored.created && stored.row.sha256 !== sha256) {
      throw new AppError(
        'upload-exists',
        `${release.product} ${release.version} has a different ${name} already (sha256 ${stored.row.sha256}); release files never change.`,
      );
    }
    res.status(stored.created ? 201 : 200).json(fileView(stored.row));
  });

  return router;
}

export function releaseDownloadRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool } = deps;

  router.get('/:deliveryId/:name', async (req, res) => {
    const deliveryId = String(req.params.deliveryId);
    const secret = await releaseLinkSecret(pool, deps.releaseLinkSecret);
    const check = checkDownload(secret, {
      deliveryId,
      expires: String(req.query.expires ?? ''),
      signature: String(req.query.signature ?? ''),
    });
    if (!check.valid) {
      throw new AppError(
        'download-link-invalid',
        'This download link is not valid: it was changed or not made by Potik.',
      );
    }
    if (check.expired) {
      throw new AppError(
        'download-link-expired',
        'This download link has expired; ask the vendor to deliver the release again.',
      );
    }
    const delivery = await selectDelivery(pool, Number(deliveryId));
    const found = delivery && (await selectReleaseFileContent(pool, delivery.releaseId, String(req.params.name)));
    if (!delivery || !found) throw new AppError('not-found', `The release has no file ${req.params.name}.`);
    const { row: file, content } = found;
    await insertDownload(pool, { deliveryId: delivery.id, fileName: file.name, sha256: file.sha256 });
    res.setHeader('etag', `"${file.sha256}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('repr-digest', digestOf(file.sha256));
    res.setHeader('content-disposition', contentDisposition(file.name));
    res.type(file.mediaType).send(content);
  });

  return router;
}
