/**
 * `npm run migrate [-- --publish-catalog]`: creates the database if missing, applies migrations,
 * and optionally publishes the catalog definitions. Used by deployments before workers start.
 */
import { loadConfig } from '../lib/config.ts';
import { publishCatalog } from '../definitions/publish.ts';
import { ensureDatabase, migrate, redactUrl } from './migrate.ts';
import { createPool } from './pool.ts';

const config = loadConfig();
try {
  if (await ensureDatabase(config.databaseUrl)) console.log(`created database ${redactUrl(config.databaseUrl)}`);
  const applied = await migrate(config.databaseUrl, console.log);
  if (applied.length === 0) console.log('migrations: up to date');
  if (process.argv.includes('--publish-catalog')) {
    const pool = createPool(config.databaseUrl, { max: 1 });
    try {
      const report = await publishCatalog(pool);
      console.log(`catalog: ${report.published.length} published, ${report.unchanged.length} unchanged`);
      for (const conflict of report.conflicts) console.error(`not published: ${conflict}`);
      for (const line of report.notOffered) console.log(`not offered yet: ${line}`);
      if (report.conflicts.length > 0) process.exitCode = 1;
    } finally {
      await pool.end();
    }
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
