/**
 * The off-site copy of a backup: `pg_dump --format=custom` of one schema, spawned without a shell
 * and read into memory up to a cap. The binary is `PG_DUMP` from the environment, default on PATH.
 * The password travels in the child's environment (`PGPASSWORD`), never on its command line, where
 * any user of the machine could read it.
 */
import { spawn } from 'node:child_process';

/** The pg_dump binary named by PG_DUMP, else found on PATH. */
export function pgDumpBinary(env: Record<string, string | undefined> = process.env): string {
  return env.PG_DUMP?.trim() || 'pg_dump';
}

/** The largest dump kept as an artifact: its content is one bytea value, which PostgreSQL caps at 1 GB. */
export const DUMP_MAX_BYTES = 512 * 1024 * 1024;

/** pg_dump gave no dump; the message says why and what to do. The backup goes on without one. */
export class DumpUnavailable extends Error {}

export interface DumpOptions {
  binary: string;
  /** The database's connection URL, as the pool has it. */
  databaseUrl: string | undefined;
  schema: string;
  /** Called at the start and every second while pg_dump runs, with the bytes read so far. */
  onProgress: (bytes: number) => void;
  /** Aborting kills pg_dump; the dump then rejects with the abort, not with `DumpUnavailable`. */
  signal?: AbortSignal;
  maxBytes?: number;
}

/** The libpq URL without its password, and the password apart. */
function splitPassword(databaseUrl: string): { url: string; password: string | undefined } {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return { url: databaseUrl, password: undefined };
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return { url: url.toString(), password };
}

/** The schema as a custom-format archive (`pg_restore` reads it), without owners or privileges. */
export function dumpSchema(options: DumpOptions): Promise<Buffer> {
  const { binary, schema, onProgress, signal, maxBytes = DUMP_MAX_BYTES } = options;
  if (!options.databaseUrl) {
    return Promise.reject(new DumpUnavailable('the database pool has no connection URL to give pg_dump'));
  }
  const { url, password } = splitPassword(options.databaseUrl);
  const args = ['--format=custom', `--schema=${schema}`, '--no-owner', '--no-privileges', `--dbname=${url}`];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: password === undefined ? process.env : { ...process.env, PGPASSWORD: password },
      signal,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let refusal: DumpUnavailable | null = null;
    onProgress(0);
    const ticker = setInterval(() => onProgress(bytes), 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes && !refusal) {
        refusal = new DumpUnavailable(
          `the dump of ${schema} exceeds ${Math.round(maxBytes / 2 ** 20)} MiB, more than an artifact holds: take it with pg_dump directly`,
        );
        child.kill();
      }
      if (!refusal) chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < 4000) stderr += text;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearInterval(ticker);
      if (error.code === 'ENOENT') {
        reject(new DumpUnavailable(`pg_dump not found (${binary}): install postgresql-client (Debian) or set PG_DUMP`));
      } else if (error.code === 'EACCES') {
        reject(new DumpUnavailable(`pg_dump (${binary}) cannot be run: ${error.message}; check PG_DUMP`));
      } else {
        reject(error);
      }
    });
    child.on('close', (code, killedBy) => {
      clearInterval(ticker);
      if (refusal) reject(refusal);
      else if (code === 0) resolve(Buffer.concat(chunks, bytes));
      else if (!signal?.aborted) {
        const reason = stderr.trim().slice(0, 2000) || 'no message';
        reject(new DumpUnavailable(`pg_dump (${binary}) failed (${code ?? killedBy}): ${reason}`));
      }
    });
  });
}
