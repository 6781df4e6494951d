/**
 * `potik releases`: the release register an admin keeps over `/v1/releases`, straight on
 * DATABASE_URL through the same queries and views as the API. A delivery itself is an engagement
 * of `release-delivery`, launched like any other.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { VERSION_PATTERN } from '../../activities/release/versions.ts';
import { fileView, releaseView } from '../../api/release-view.ts';
import {
  insertRelease,
  insertReleaseFile,
  selectReleaseByVersion,
  selectReleaseFiles,
  selectReleases,
} from '../../db/queries/releases.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { withDatabase } from '../database.ts';
import { formatTable } from '../table.ts';

function version(value: string): string {
  if (!VERSION_PATTERN.test(value)) throw new InvalidArgumentError('must be a version like 3.2 or 3.2.1.');
  return value;
}

export function registerReleasesCommand(program: Command): void {
  const releases = program.command('releases').description('Keep the release register: list, create, add files');
  releases
    .command('list')
    .description('List the releases with their files and sha256')
    .option('--json', 'print the releases as JSON (as GET /v1/releases does)')
    .action(async (options: { json?: boolean }) => {
      const items = await withDatabase(async (pool) => {
        const rows = await selectReleases(pool);
        const files = await selectReleaseFiles(
          pool,
          rows.map((r) => r.id),
        );
        return rows.map((row) => releaseView(row, files));
      });
      if (options.json) {
        console.log(JSON.stringify({ items }, null, 2));
        return;
      }
      const rows = items.flatMap((r) =>
        (r.files.length > 0 ? r.files : [null]).map((f) => [
          String(r.id),
          r.product,
          r.version,
          f?.name ?? '—',
          f ? String(f.size) : '—',
          f?.sha256 ?? '—',
        ]),
      );
      console.log(formatTable([['Id', 'Product', 'Version', 'File', 'Bytes', 'sha256'], ...rows]).join('\n'));
    });
  releases
    .command('create')
    .description('Register a release (a product version never changes once registered)')
    .requiredOption('--release <version>', 'the version: major.minor or major.minor.patch', version)
    .option('--product <product>', 'the product', 'CityCom')
    .option('--notes <text>', 'what is new (the delivery e-mail quotes it)', '')
    .action(async (options: { release: string; product: string; notes: string }) => {
      const created = await withDatabase((pool) =>
        insertRelease(pool, {
          product: options.product,
          version: options.release,
          notes: options.notes,
          createdBy: 'potik-cli',
        }),
      );
      if (!created) {
        console.error(`${options.product} ${options.release} is in the release register already.`);
        process.exitCode = 1;
        return;
      }
      console.log(created.id);
    });
  releases
    .command('add-file')
    .description('Add a file to a release, stored with its sha256')
    .requiredOption('--release <version>', 'the version of the release', version)
    .option('--product <product>', 'the product', 'CityCom')
    .argument('<file>', 'the file to add; stored under its base name')
    .action(async (path: string, options: { release: string; product: string }) => {
      const content = await readFile(path);
      const name = basename(path);
      const sha256 = sha256Hex(content);
      const outcome = await withDatabase(async (pool) => {
        const release = await selectReleaseByVersion(pool, options.product, options.release);
        if (!release) return `${options.product} ${options.release} is not in the release register.`;
        const { row } = await insertReleaseFile(pool, {
          releaseId: release.id,
          name,
          mediaType: 'application/octet-stream',
          sha256,
          content,
        });
        return row.sha256 === sha256
          ? fileView(row)
          : `${name} is stored already with other bytes (sha256 ${row.sha256}).`;
      });
      if (typeof outcome === 'string') {
        console.error(outcome);
        process.exitCode = 1;
        return;
      }
      console.log(`${outcome.name}\t${outcome.size}\t${outcome.sha256}`);
    });
}
