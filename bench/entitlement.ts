/**
 * Latency and throughput of `GET /v1/customers/:id/entitlement?service=…` on the real API (the
 * whole /v1 gate: contract, authentication, role, then the facts query and the rules) at 50
 * concurrent connections, with autocannon. Not part of `npm test`:
 *
 *   npx tsx bench/entitlement.ts [seconds per round, default 15] [rounds, default 3]
 *
 * A scratch database (BENCH_DATABASE_URL, default postgres://127.0.0.1:5432/potik_bench_entitlement)
 * is created, migrated, seeded with the demo data and dropped at the end. createApp needs a Temporal
 * connection, so a dev server is started as in bench/interpreter.ts (no worker: nothing is launched).
 */
import { scratchDatabase, startDevServer } from '../test/helpers/local-servers.ts';
import type { Server } from 'node:http';
import autocannon from 'autocannon';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app.ts';
import { connectTemporal } from '../api/temporal-client.ts';
import { withDefaultUser } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { seedDemoData } from '../scripts/demo-data.ts';

const SECONDS = Number(process.argv[2] ?? 15);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 50;

/** Every outcome and basis of the demo customers, asked in turn by each connection. */
const QUERIES = [
  '/v1/customers/kp-teplomerezha/entitlement?service=X-IMPORT', // a, billed
  '/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT', // b, included
  '/v1/customers/sumy-teplo-cloud/entitlement?service=X-AUDIT&project=sumy-cloud', // d
  '/v1/customers/sumy-teplo-cloud/entitlement?service=X-AUDIT', // quote
  '/v1/customers/lubny-vodokanal/entitlement?service=B-HOTLINE', // basic
  '/v1/customers/novyi-zamovnyk/entitlement?service=B-HOTLINE', // denied
];

Runtime.install({ logger: new DefaultLogger('ERROR') });
const databaseUrl = withDefaultUser(
  process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_entitlement',
);
const scratch = await scratchDatabase(databaseUrl, { applicationName: 'potik-api' });
const pool = scratch.pool;
const keys = await seedDemoData(pool);

const env = await startDevServer();
const temporal = await connectTemporal({
  address: env.address,
  namespace: 'default',
  taskQueue: 'bench-entitlement',
  uiUrl: 'http://127.0.0.1:8233',
});
const app = createApp({
  pool,
  temporal,
  logger: createLogger('silent', 'bench'),
  vendorVatPayer: true,
  // One key from one address asks everything here: lift the limits so the benchmark measures the work,
  // not 429s. (The per-address 401 limiter also counts requests still in flight, so with its default of 20
  // a client with 50 requests in flight gets 429s although every key is valid.)
  rateLimits: { perKeyPerMinute: 100_000_000, authFailuresPerIpPerMinute: 100_000_000 },
});
const server = await new Promise<Server>((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

// Every query answers 200 with a decision before anything is measured.
for (const path of QUERIES) {
  const response = await fetch(url + path, { headers: { authorization: `Bearer ${keys['olena.pm']}` } });
  const body = (await response.json()) as { outcome?: string; basis?: string | null };
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
  console.log(`${path} → ${body.outcome} ${body.basis ?? ''}`);
}

const run = (duration: number) =>
  autocannon({
    url,
    connections: CONNECTIONS,
    // The load comes from a thread of its own, so it does not share the API's event loop.
    workers: 1,
    duration,
    headers: { authorization: `Bearer ${keys['olena.pm']}` },
    requests: QUERIES.map((path) => ({ method: 'GET' as const, path })),
  });

await run(5); // warm-up: JIT, pool connections, PostgreSQL plans
const rounds: { p50: number; p99: number; rps: number; requests: number; non2xx: number; errors: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const result = await run(SECONDS);
  rounds.push({
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  });
}

console.log(
  `\n${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s after a 5 s warm-up, ${QUERIES.length} queries in turn`,
);
console.log('round  p50 ms  p99 ms  req/s    requests  non-2xx  errors');
rounds.forEach((x, i) =>
  console.log(
    `${String(i + 1).padEnd(7)}${String(x.p50).padEnd(8)}${String(x.p99).padEnd(8)}${x.rps.toFixed(0).padEnd(9)}${String(x.requests).padEnd(10)}${String(x.non2xx).padEnd(9)}${x.errors}`,
  ),
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `median  p50 ${median(rounds.map((x) => x.p50))} ms, p99 ${median(rounds.map((x) => x.p99))} ms, ${median(rounds.map((x) => x.rps)).toFixed(0)} req/s`,
);

await new Promise<void>((resolve) => server.close(() => resolve()));
await temporal.close();
await env.teardown();
await scratch.drop();
