/**
 * Hostile definitions (not part of npm test): the cost of validating ~1 MB documents of many shapes
 * (tens of thousands of keys, problems, list items, long keys, a large inputs schema, long
 * expressions) — CPU time of one load, how many problems it reports and the size of the answer —
 * and how long /livez waits while the API's definition thread works on the heaviest of them.
 *   npx tsx bench/definition-abuse.ts
 */
import type { Server } from 'node:http';
import { createApp } from '../api/app.ts';
import { createDefinitionThread } from '../api/definition-thread.ts';
import { problemOf } from '../api/problem.ts';
import type { Pool } from '../db/pool.ts';
import type { TemporalGateway } from '../api/temporal-client.ts';
import { DefinitionError } from '../definitions/definition-error.ts';
import { loadDefinition } from '../definitions/loader.ts';
import { createLogger } from '../lib/logger.ts';

const MB = 1024 * 1024;
const HEADER = 'id: probe\nversion: 1\ntitle: Probe\nservice: X-CUSTOM\ninputs: { type: object }\n';

/** Lines made by `line` until the document reaches just under 1 MB. */
function fill(head: string, line: (i: number) => string, tail = ''): string {
  const parts = [head];
  let length = head.length + tail.length;
  for (let i = 0; ; i++) {
    const next = line(i);
    if (length + next.length > MB - 16) break;
    parts.push(next);
    length += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

const SHAPES: Record<string, string> = {
  'top-level keys (the probe)': fill('', (i) => `k${i}: 1\n`),
  '12,000 unknown keys': Array.from({ length: 12_000 }, (_, i) => `k${i}: 1\n`).join(''),
  'unknown step fields': fill(`${HEADER}steps:\n  - id: a\n    kind: end\n`, (i) => `    f${i}: 1\n`),
  'steps of an unknown kind': fill(`${HEADER}steps:\n`, (i) => `  - {id: s${i}, kind: bogus}\n`),
  'flow sequence': fill(`${HEADER}steps: [`, (i) => `${i % 10},`, '1]\n'),
  'empty list items': fill(`${HEADER}steps:\n`, () => '  -\n'),
  'long keys': fill('', (i) => `${'k'.repeat(10_000)}${i}: 1\n`),
  'inputs schema of 3,000 properties': `${HEADER.replace('inputs: { type: object }\n', 'inputs:\n  type: object\n  properties:\n')}${Array.from({ length: 3000 }, (_, i) => `    p${i}: { type: string }\n`).join('')}steps:\n  - id: a\n    kind: end\n`,
  '200 expressions of 3,600 characters': `${HEADER}steps:\n${Array.from({ length: 200 }, (_, i) => `  - id: s${i}\n    kind: switch\n    cases:\n      - when: "${'inputs.a + '.repeat(360)}1 > 2"\n        goto: s${i}\n        maxIterations: 2\n`).join('')}`,
  'one string of 1 MB': `${HEADER}steps:\n  - id: a\n    kind: end\n    title: "${'x'.repeat(MB - 200)}"\n`,
};

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function outcome(source: string): { problems: number; listed: number; bodyBytes: number } {
  try {
    loadDefinition(source, 'probe.yaml');
    return { problems: 0, listed: 0, bodyBytes: 0 };
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    const body = JSON.stringify(problemOf(error, '/v1/definitions/validate'));
    return { problems: error.issueCount, listed: error.issues.length, bodyBytes: Buffer.byteLength(body) };
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

// Warm: the schema validator and the expression environment are built on first use.
outcome(HEADER);
console.log(`Node ${process.version}; CPU time of one load in this process, median of 5\n`);
console.log('| Document | Size | CPU median | Problems | Listed | Answer |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
let heaviest: [string, number] = ['', 0];
for (const [name, source] of Object.entries(SHAPES)) {
  const samples = Array.from({ length: 5 }, () => cpuMs(() => outcome(source)));
  const { problems, listed, bodyBytes } = outcome(source);
  const cpu = median(samples);
  if (cpu > heaviest[1]) heaviest = [name, cpu];
  console.log(
    `| ${name} | ${(Buffer.byteLength(source) / 1024).toFixed(0)} KB | ${cpu.toFixed(0)} ms | ${problems} | ${listed} | ${(bodyBytes / 1024).toFixed(1)} KB |`,
  );
}

// /livez on the app while its definition thread loads the heaviest document ten times over.
const thread = createDefinitionThread();
await thread.warm();
const app = createApp({
  // /livez touches neither PostgreSQL nor Temporal.
  pool: {} as Pool,
  temporal: {} as TemporalGateway,
  logger: createLogger('silent', 'bench'),
  vendorVatPayer: true,
  definitionThread: thread,
});
const server = await new Promise<Server>((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/livez`;
const source = SHAPES[heaviest[0]]!;
let busy = true;
const loading = (async () => {
  for (let i = 0; i < 10; i++) await thread.load(source, 'probe.yaml').catch(() => undefined);
  busy = false;
})();
const waits: number[] = [];
while (busy) {
  const started = performance.now();
  await (await fetch(url)).text();
  waits.push(performance.now() - started);
}
await loading;
waits.sort((a, b) => a - b);
console.log(
  `\n/livez while the thread loads "${heaviest[0]}" 10 times: ${waits.length} answers, ` +
    `median ${median(waits).toFixed(1)} ms, p99 ${(waits[Math.floor(waits.length * 0.99)] ?? NaN).toFixed(1)} ms, ` +
    `max ${(waits[waits.length - 1] ?? NaN).toFixed(1)} ms`,
);
server.close();
await thread.close();
