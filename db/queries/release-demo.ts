import { sha256Hex } from '../../lib/hash.ts';
import type { Queryable } from '../pool.ts';

/** The demo release: registered with its notes as its one file, so a delivery can run at once. */
export const DEMO_RELEASE = {
  product: 'CityCom',
  version: '3.2',
  notes: 'Faster topology checks; GeoPackage import; the heat-loss report by district.',
  file: {
    name: 'citycom-3.2-release-notes.md',
    content: Buffer.from(
      '# CityCom 3.2\n\n- Faster topology checks\n- GeoPackage import\n- Heat-loss report by district\n',
    ),
  },
};

/**
 * What the demo projects run and until when their support includes new versions: three of them run
 * an older CityCom with support in force (a delivery reaches their users), the cloud project runs
 * 3.2 already, and Lubny's support lapsed a month ago.
 */
export async function upsertReleaseDemoData(db: Queryable, today: string): Promise<void> {
  await db.query(
    `UPDATE projects SET support_until = CASE id WHEN 'lubny-main' THEN $1::date - 30 ELSE NULL END
     WHERE id IN ('teplomerezha-main', 'vodokanal-main', 'sumy-cloud', 'lubny-main')`,
    [today],
  );
  await db.query(
    `INSERT INTO project_installations (project_id, product, version, installed_at) VALUES
       ('teplomerezha-main', 'CityCom', '3.1', $1::date - 200),
       ('vodokanal-main', 'CityCom', '3.1.2', $1::date - 90),
       ('sumy-cloud', 'CityCom', '3.2', $1::date - 10),
       ('lubny-main', 'CityCom', '3.0', $1::date - 400)
     ON CONFLICT (project_id, product) DO NOTHING`,
    [today],
  );
  const { rows } = await db.query<{ id: number }>(
    `WITH inserted AS (
       INSERT INTO releases (product, version, notes, created_by) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT (product, version) DO NOTHING RETURNING id)
     SELECT id FROM inserted UNION ALL SELECT id FROM releases WHERE product = $1 AND version = $2 LIMIT 1`,
    [DEMO_RELEASE.product, DEMO_RELEASE.version, DEMO_RELEASE.notes],
  );
  const { name, content } = DEMO_RELEASE.file;
  await db.query(
    `INSERT INTO release_files (release_id, name, media_type, sha256, size, content)
     VALUES ($1, $2, 'text/markdown', $3, $4, $5) ON CONFLICT (release_id, name) DO NOTHING`,
    [rows[0]!.id, name, sha256Hex(content), content.length, content],
  );
}
