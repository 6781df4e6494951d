/** The e-mail a registered user gets with a release: what is new, the files and their links. */
import type { ReleaseFileRow, ReleaseRow } from '../../db/queries/releases.ts';

export interface DeliveryNotice {
  subject: string;
  body: string;
}

export function deliveryNotice(p: {
  fullName: string;
  release: ReleaseRow;
  installedVersion: string;
  files: readonly ReleaseFileRow[];
  /** Absolute (or API-relative) link of each file, by name. */
  links: ReadonlyMap<string, string>;
  expiresAt: Date;
}): DeliveryNotice {
  const { release } = p;
  const files = p.files.map(
    (file) => `- ${file.name} (${file.size} bytes, sha256 ${file.sha256})\n  ${p.links.get(file.name)}`,
  );
  const body = [
    `${p.fullName},`,
    '',
    `${release.product} ${release.version} is available for your project, which runs ${p.installedVersion}.`,
    '',
    ...(release.notes ? ['What is new:', release.notes, ''] : []),
    'Files (check each download against its sha256; the Repr-Digest header of the download carries it too):',
    ...files,
    '',
    `The links work until ${p.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    'Delivery of new versions is part of basic support and free of charge.',
  ].join('\n');
  return { subject: `${release.product} ${release.version} is available`, body };
}
