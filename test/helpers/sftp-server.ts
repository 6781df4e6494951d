/**
 * A small SFTP server on 127.0.0.1 over a temporary directory, built on the `ssh2` package's server
 * side: password login, open/read/write/close, stat, rename and remove — what an exchange does.
 * Paths are taken relative to the directory and may not leave it.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, statSync, writeSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import ssh2 from 'ssh2';
import type { AddressInfo } from 'node:net';

const { Server, utils } = ssh2;
const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface TestSftpServer {
  port: number;
  root: string;
  user: string;
  password: string;
  close(): Promise<void>;
}

function attrsOf(stats: { mode: number; size: number; atimeMs: number; mtimeMs: number; uid: number; gid: number }) {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

export async function startSftpServer(): Promise<TestSftpServer> {
  const root = await mkdtemp(join(tmpdir(), 'potik-sftp-'));
  const user = 'exchange';
  const password = 'test-only-password';
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  const inside = (path: string) => {
    const resolved = normalize(join(root, path.startsWith('/') ? path : `/${path}`));
    if (!resolved.startsWith(root)) throw new Error('outside the root');
    return resolved;
  };
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client
      .on('authentication', (ctx) => {
        if (ctx.method === 'password' && ctx.username === user && ctx.password === password) ctx.accept();
        else ctx.reject(['password']);
      })
      .on('ready', () => {
        client.on('session', (accept) => {
          accept().on('sftp', (acceptSftp) => {
            const sftp = acceptSftp();
            const handles = new Map<number, number>();
            let next = 0;
            const handleOf = (buffer: Buffer) =>
              buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined;
            const guard = (reqId: number, work: () => void) => {
              try {
                work();
              } catch (error) {
                const code =
                  (error as NodeJS.ErrnoException).code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE;
                sftp.status(reqId, code);
              }
            };
            sftp
              .on('OPEN', (reqId, filename, flags) =>
                guard(reqId, () => {
                  const mode = flags & OPEN_MODE.WRITE ? (flags & OPEN_MODE.APPEND ? 'a' : 'w') : 'r';
                  const fd = openSync(inside(filename), mode);
                  const id = next++;
                  handles.set(id, fd);
                  const handle = Buffer.alloc(4);
                  handle.writeUInt32BE(id, 0);
                  sftp.handle(reqId, handle);
                }),
              )
              .on('WRITE', (reqId, handle, offset, data) =>
                guard(reqId, () => {
                  writeSync(handleOf(handle)!, data, 0, data.length, offset);
                  sftp.status(reqId, STATUS_CODE.OK);
                }),
              )
              .on('READ', (reqId, handle, offset, length) =>
                guard(reqId, () => {
                  const buffer = Buffer.alloc(length);
                  const read = readSync(handleOf(handle)!, buffer, 0, length, offset);
                  if (read === 0) sftp.status(reqId, STATUS_CODE.EOF);
                  else sftp.data(reqId, buffer.subarray(0, read));
                }),
              )
              .on('FSTAT', (reqId, handle) =>
                guard(reqId, () => sftp.attrs(reqId, attrsOf(fstatSync(handleOf(handle)!)))),
              )
              .on('CLOSE', (reqId, handle) =>
                guard(reqId, () => {
                  const fd = handleOf(handle);
                  if (fd !== undefined) closeSync(fd);
                  handles.delete(handle.readUInt32BE(0));
                  sftp.status(reqId, STATUS_CODE.OK);
                }),
              )
              .on('STAT', (reqId, path) => guard(reqId, () => sftp.attrs(reqId, attrsOf(statSync(inside(path))))))
              .on('LSTAT', (reqId, path) => guard(reqId, () => sftp.attrs(reqId, attrsOf(statSync(inside(path))))))
              .on('REALPATH', (reqId, path) =>
                sftp.name(reqId, [{ filename: normalize(`/${path}`), longname: path, attrs: {} as never }]),
              )
              .on('RENAME', (reqId, from, to) =>
                guard(reqId, () => {
                  // Like most SFTP servers: a rename never replaces an existing file.
                  if (existsSync(inside(to))) throw new Error('exists');
                  renameSync(inside(from), inside(to));
                  sftp.status(reqId, STATUS_CODE.OK);
                }),
              )
              .on('REMOVE', (reqId, path) =>
                guard(reqId, () => {
                  rmSync(inside(path));
                  sftp.status(reqId, STATUS_CODE.OK);
                }),
              );
          });
        });
      })
      .on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    root,
    user,
    password,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
