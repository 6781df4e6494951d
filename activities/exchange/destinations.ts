/**
 * Where exchange files go (or come from): a directory, an HTTP endpoint, an SFTP server. Every
 * write is atomic for the reader on the other side: the bytes go under a temporary name first and
 * are renamed to the final name only when complete, so the counterpart never picks up half a file.
 *
 * HTTP endpoints are spoken to in the WebDAV verbs every file-receiving web server offers: PUT a
 * file, MOVE it (Destination header), GET it, DELETE it. Credentials come from the configuration,
 * never from the spec: `credentials: NAME` reads POTIK_EXCHANGE_CREDENTIALS_NAME = user:password.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import type { ExchangeDestination } from '../../definitions/exchange/exchange-spec.ts';

export interface Destination {
  /** Where, for messages and reports: never with credentials. */
  readonly where: string;
  write(name: string, bytes: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** The file's bytes, or null when there is none. */
  read(name: string): Promise<Buffer | null>;
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when the destination refuses (wrong credentials, no such folder, a 4xx/5xx answer). */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused';
}

export interface Credentials {
  user: string;
  password: string;
}

/** The environment variable holding the credentials `name`. */
export function credentialsVariable(name: string): string {
  return `POTIK_EXCHANGE_CREDENTIALS_${name}`;
}

export function credentialsOf(name: string | null, env: NodeJS.ProcessEnv = process.env): Credentials | null {
  if (name === null) return null;
  const value = env[credentialsVariable(name)];
  if (!value) throw new DestinationRefused(`the configuration has no ${credentialsVariable(name)} (user:password)`);
  const colon = value.indexOf(':');
  if (colon < 1) throw new DestinationRefused(`${credentialsVariable(name)} must be user:password`);
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** The temporary name a file is written under before it is renamed to `name`. */
export function temporaryName(name: string): string {
  return `.${name}.part`;
}

/** Writes `bytes` under a temporary name, then renames it to `name`. */
export async function writeAtomically(destination: Destination, name: string, bytes: Buffer): Promise<void> {
  const temporary = temporaryName(name);
  await destination.write(temporary, bytes);
  await destination.rename(temporary, name);
}

export async function openDestination(spec: ExchangeDestination): Promise<Destination> {
  switch (spec.kind) {
    case 'directory':
      return directoryDestination(spec.path!);
    case 'http':
      return httpDestination(spec.url!, credentialsOf(spec.credentials));
    case 'sftp':
      return sftpDestination(spec, credentialsOf(spec.credentials)!);
  }
}

function refusedBy(where: string, error: unknown): DestinationRefused {
  if (error instanceof DestinationRefused) return error;
  return new DestinationRefused(`${where}: ${error instanceof Error ? error.message : String(error)}`);
}

async function directoryDestination(path: string): Promise<Destination> {
  const where = `directory ${path}`;
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw refusedBy(where, error);
  }
  const guard = async <T>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      throw refusedBy(where, error);
    }
  };
  return {
    where,
    write: (name, bytes) => guard(() => writeFile(join(path, name), bytes)),
    rename: (from, to) => guard(() => rename(join(path, from), join(path, to))),
    read: async (name) => {
      try {
        return await readFile(join(path, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw refusedBy(where, error);
      }
    },
    remove: (name) => guard(() => rm(join(path, name), { force: true })),
    close: async () => undefined,
  };
}

function httpDestination(base: string, credentials: Credentials | null): Destination {
  const root = base.endsWith('/') ? base : `${base}/`;
  const where = `endpoint ${root}`;
  const auth: Record<string, string> = credentials
    ? { authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}` }
    : {};
  const call = async (method: string, name: string, init: { body?: Buffer; headers?: Record<string, string> } = {}) => {
    let response: Response;
    try {
      response = await fetch(new URL(encodeURIComponent(name), root), {
        method,
        headers: { ...auth, ...init.headers },
        ...(init.body ? { body: init.body } : {}),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw refusedBy(where, error);
    }
    return response;
  };
  const expectOk = async (response: Response, what: string) => {
    if (!response.ok) {
      const text = (await response.text()).slice(0, 200);
      throw new DestinationRefused(`${where}: ${what} answered ${response.status}${text ? `: ${text}` : ''}`);
    }
  };
  return {
    where,
    write: async (name, bytes) =>
      expectOk(
        await call('PUT', name, { body: bytes, headers: { 'content-type': 'application/octet-stream' } }),
        `PUT ${name}`,
      ),
    rename: async (from, to) =>
      expectOk(
        await call('MOVE', from, {
          headers: { destination: new URL(encodeURIComponent(to), root).pathname, overwrite: 'T' },
        }),
        `MOVE ${from}`,
      ),
    read: async (name) => {
      const response = await call('GET', name);
      if (response.status === 404) return null;
      await expectOk(response, `GET ${name}`);
      return Buffer.from(await response.arrayBuffer());
    },
    remove: async (name) => {
      const response = await call('DELETE', name);
      if (response.status !== 404) await expectOk(response, `DELETE ${name}`);
    },
    close: async () => undefined,
  };
}

const NO_SUCH_FILE = 2; // SSH_FX_NO_SUCH_FILE

function sftpCall<T>(
  where: string,
  run: (done: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, value) => (error ? reject(refusedBy(where, error)) : resolve(value as T)));
  });
}

async function sftpDestination(spec: ExchangeDestination, credentials: Credentials): Promise<Destination> {
  const where = `sftp://${spec.host}:${spec.port}${spec.path}`;
  const client = new Client();
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client
      .on('ready', () => client.sftp((error, wrapper) => (error ? reject(refusedBy(where, error)) : resolve(wrapper))))
      .on('error', (error) => reject(refusedBy(where, error)))
      .connect({
        host: spec.host!,
        port: spec.port ?? 22,
        username: credentials.user,
        password: credentials.password,
        readyTimeout: 20_000,
      });
  });
  const at = (name: string) => posix.join(spec.path!, name);
  const exists = (name: string) =>
    new Promise<boolean>((resolve, reject) =>
      sftp.stat(at(name), (error) => {
        if (!error) resolve(true);
        else if ((error as { code?: number }).code === NO_SUCH_FILE) resolve(false);
        else reject(refusedBy(where, error));
      }),
    );
  const remove = async (name: string) => {
    if (await exists(name)) await sftpCall<void>(where, (done) => sftp.unlink(at(name), done));
  };
  return {
    where,
    write: (name, bytes) => sftpCall<void>(where, (done) => sftp.writeFile(at(name), bytes, done)),
    rename: async (from, to) => {
      // Plain SFTP rename refuses an existing target; a rewritten period replaces its earlier file.
      await remove(to);
      await sftpCall<void>(where, (done) => sftp.rename(at(from), at(to), done));
    },
    read: async (name) => {
      if (!(await exists(name))) return null;
      return sftpCall<Buffer>(where, (done) => sftp.readFile(at(name), done));
    },
    remove,
    close: async () => {
      client.end();
    },
  };
}
