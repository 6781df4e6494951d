/** How the API and the CLI show a release of the register and its files. */
import type { ReleaseFileRow, ReleaseRow } from '../db/queries/releases.ts';

export function fileView(file: ReleaseFileRow) {
  return {
    name: file.name,
    mediaType: file.mediaType,
    size: Number(file.size),
    sha256: file.sha256,
    createdAt: file.createdAt,
  };
}

export function releaseView(release: ReleaseRow, files: readonly ReleaseFileRow[]) {
  return {
    id: release.id,
    product: release.product,
    version: release.version,
    notes: release.notes,
    createdBy: release.createdBy,
    createdAt: release.createdAt,
    files: files.filter((f) => f.releaseId === release.id).map(fileView),
  };
}
