/**
 * A local HTTP endpoint that receives exchange files the way a counterpart's web server does:
 * PUT a file, MOVE it (Destination header), GET it, DELETE it — kept in memory, with Basic auth.
 * `refuse` makes it answer 503 to everything, as a counterpart that is down would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpReceiver {
  url: string;
  files: Map<string, Buffer>;
  /** How many PUTs reached it, by file name (temporary names included). */
  puts: Map<string, number>;
  refuse: boolean;
  close(): Promise<void>;
}

export async function startHttpReceiver(credentials: { user: string; password: string }): Promise<HttpReceiver> {
  const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  const receiver: Omit<HttpReceiver, 'url' | 'close'> = { files: new Map(), puts: new Map(), refuse: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (receiver.refuse) return void res.writeHead(503).end('down for maintenance');
      if (req.headers.authorization !== expected) return void res.writeHead(401).end('who are you');
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/in\//, ''));
      switch (req.method) {
        case 'PUT':
          receiver.files.set(name, Buffer.concat(chunks));
          receiver.puts.set(name, (receiver.puts.get(name) ?? 0) + 1);
          return void res.writeHead(201).end();
        case 'MOVE': {
          const file = receiver.files.get(name);
          if (!file) return void res.writeHead(404).end();
          const to = decodeURIComponent(String(req.headers.destination ?? '').replace(/^\/in\//, ''));
          receiver.files.delete(name);
          receiver.files.set(to, file);
          return void res.writeHead(201).end();
        }
        case 'GET': {
          const file = receiver.files.get(name);
          return void (file ? res.writeHead(200).end(file) : res.writeHead(404).end());
        }
        case 'DELETE':
          return void res.writeHead(receiver.files.delete(name) ? 204 : 404).end();
        default:
          return void res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/in/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as HttpReceiver;
}
