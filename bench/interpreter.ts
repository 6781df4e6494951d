/**
 * Engagements per second through the interpreter vs a hand-written workflow doing the same work,
 * in the same run, on the same dev server and worker. Not part of `npm test`:
 *
 *   npx tsx bench/interpreter.ts [engagements per round, default 100] [rounds, default 3]
 */
import { scratchDatabase, startDevServer } from '../test/helpers/local-servers.ts';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { insertEngagement } from '../db/queries/engagements.ts';
import { loadDefinition } from '../definitions/loader.ts';
import { withDefaultUser } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { seedDemoData } from '../scripts/demo-data.ts';
import { type EngagementInput } from '../workflows/messages.ts';

const PER_ROUND = Number(process.argv[2] ?? 100);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONCURRENCY = 20;

const TEN_STEPS = `
id: bench-ten
version: 1
title: Ten automated steps
service: X-CUSTOM
inputs: { type: object }
steps:
${Array.from(
  { length: 10 },
  (_, i) => `  - id: step-${i + 1}
    kind: activity
    activity: bench.step
    input: { step: ${i + 1}, previous: '${i === 0 ? '${inputs}' : `\${steps["step-${i}"].output}`}' }
`,
).join('')}`;

Runtime.install({ logger: new DefaultLogger('ERROR') });
const databaseUrl = withDefaultUser(
  process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_interpreter',
);
const scratch = await scratchDatabase(databaseUrl, { max: 20 });
const pool = scratch.pool;
await seedDemoData(pool);
const compiled = loadDefinition(TEN_STEPS, 'bench-ten.yaml', { activities: new Set(['bench.step']) });

const env = await startDevServer();
const taskQueue = 'bench-interpreter';
const bundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('./interpreter-workflows.ts', import.meta.url)),
  logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
});
const deps = { pool, logger: createLogger('silent', 'bench'), vendorVatPayer: true };
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: bundle,
  activities: { ...createActivities(deps), 'bench.step': async ({ input }: { input: unknown }) => input },
});
const running = worker.run();

async function round(workflowType: 'engagementWorkflow' | 'handWrittenWorkflow'): Promise<number> {
  const inputs: EngagementInput[] = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const id = randomUUID();
    await insertEngagement(pool, {
      id,
      definitionId: 'bench-ten',
      definitionVersion: 1,
      serviceCode: 'X-CUSTOM',
      customerId: 'kp-teplomerezha',
      projectId: null,
      params: { n: i },
      launchedBy: 'olena.pm',
      idempotencyKey: null,
      requestSha256: null,
    });
    inputs.push({
      engagementId: id,
      definition: compiled,
      customerId: 'kp-teplomerezha',
      projectId: null,
      params: { n: i },
      launchedBy: 'olena.pm',
    });
  }
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      await env.client.workflow.execute(workflowType, { workflowId: input.engagementId, taskQueue, args: [input] });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return PER_ROUND / ((performance.now() - started) / 1000);
}

const results: Record<string, number[]> = { engagementWorkflow: [], handWrittenWorkflow: [] };
await round('engagementWorkflow'); // warm-up
await round('handWrittenWorkflow');
for (let r = 0; r < ROUNDS; r++) {
  for (const type of ['engagementWorkflow', 'handWrittenWorkflow'] as const) results[type]!.push(await round(type));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const interpreter = median(results.engagementWorkflow!);
const handWritten = median(results.handWrittenWorkflow!);
console.log(`engagements per round: ${PER_ROUND}, rounds: ${ROUNDS}, concurrency: ${CONCURRENCY}`);
console.log(
  `interpreter   ${results.engagementWorkflow!.map((x) => x.toFixed(1)).join(' ')}  median ${interpreter.toFixed(1)}/s`,
);
console.log(
  `hand-written  ${results.handWrittenWorkflow!.map((x) => x.toFixed(1)).join(' ')}  median ${handWritten.toFixed(1)}/s`,
);
console.log(`ratio interpreter / hand-written: ${(interpreter / handWritten).toFixed(3)}`);

worker.shutdown();
await running;
await env.teardown();
await scratch.drop();
