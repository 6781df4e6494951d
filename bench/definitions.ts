/**
 * Definition loading benchmark (not part of npm test): validate + compile (preflight, YAML parse with
 * positions, ajv, semantic checks, snapshot + sha256) of every catalog definition, warm; a generated
 * 500-step definition; and definitions per second over the whole catalog. Graph and estimate of the
 * catalog are timed too, as authors call them after every edit.
 *   npx tsx bench/definitions.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { estimateDefinition } from '../definitions/estimate.ts';
import { toMermaid } from '../definitions/graph.ts';
import { toSvg } from '../definitions/graph-svg.ts';
import { loadDefinition } from '../definitions/loader.ts';
import { CATALOG_DIR } from '../definitions/publish.ts';

const WARMUP = 30;
const RUNS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function time(work: () => unknown, runs: number, warmup = WARMUP): { median: number; p95: number } {
  for (let i = 0; i < warmup; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** One step of a generated sequence: tasks with forms and norms, activities with expressions, approvals and loops. */
function generatedStep(prefix: string, i: number, indent: string): string[] {
  const id = `${prefix}${i}`;
  const lines: string[] = [];
  const at = (text: string): void => void lines.push(`${indent}${text}`);
  switch (i % 5) {
    case 0:
      at(`- id: ${id}`);
      for (const line of [
        'kind: task',
        `title: Task ${i}`,
        'assignee: { category: ENG_I }',
        'due: 2d',
        'norm: { ENG_I: 2, TECH: 1 }',
        'form:',
        '  type: object',
        '  required: [ok]',
        '  properties:',
        '    ok: { type: boolean }',
        '    count: { type: integer, minimum: 0 }',
      ])
        at(`  ${line}`);
      break;
    case 1:
    case 2:
      at(`- id: ${id}`);
      at('  kind: activity');
      at('  activity: notify.send');
      at(`  input: { to: pm, subject: 'Step ${i} of \${inputs.projectId}' }`);
      at('  timeout: 5m');
      break;
    case 3:
      at(`- id: ${id}`);
      at('  kind: approval');
      at(`  title: Approval ${i}`);
      at('  approvers: [{ role: lead }]');
      at(`  onReject: { goto: ${prefix}${i - 3} }`);
      at('  maxRejections: 2');
      break;
    default:
      at(`- id: ${id}`);
      at('  kind: switch');
      at('  cases:');
      at(`    - when: "!steps.${prefix}${i - 4}.result.ok && inputs.limit > ${i}"`);
      at(`      goto: ${prefix}${i - 4}`);
      at('      maxIterations: 3');
  }
  return lines;
}

/**
 * `steps` steps: a sequence may hold at most 200, so the main sequence is parallel steps of two
 * branches each, and every branch a chain of the steps above.
 */
function generated(steps: number): string {
  const lines = [
    'id: generated',
    'version: 1',
    'title: Generated',
    'service: X-CUSTOM',
    'inputs:',
    '  type: object',
    '  properties:',
    '    projectId: { type: string }',
    '    limit: { type: integer }',
    'steps:',
  ];
  const blocks = 4;
  const perBranch = Math.floor((steps - blocks) / (blocks * 2));
  let made = blocks;
  for (let b = 0; b < blocks; b++) {
    lines.push(`  - id: block${b}`, '    kind: parallel', '    branches:');
    for (const side of ['a', 'b']) {
      const count = b === blocks - 1 && side === 'b' ? steps - made : perBranch;
      made += count;
      lines.push(`      - name: ${side}`, '        steps:');
      for (let i = 0; i < count; i++) lines.push(...generatedStep(`b${b}${side}s`, i, '          '));
    }
  }
  return `${lines.join('\n')}\n`;
}

const ms = (value: number): string => value.toFixed(2);
const files = readdirSync(CATALOG_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();
const sources = files.map((name) => [name, readFileSync(`${CATALOG_DIR}/${name}`, 'utf8')] as const);

console.log(`Node ${process.version}, ${RUNS} warm runs each after ${WARMUP} warm-up runs\n`);
console.log('| Definition | Steps | Validate + compile median | p95 | Mermaid median | SVG median | Estimate median |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const medians: number[] = [];
for (const [name, source] of sources) {
  const load = time(() => loadDefinition(source, name), RUNS);
  medians.push(load.median);
  const { snapshot } = loadDefinition(source, name);
  const mermaid = time(() => toMermaid(snapshot), 50, 5);
  const svg = time(() => toSvg(snapshot), 20, 3);
  const estimate = time(
    () => estimateDefinition(snapshot, {}, { LEAD: 1, ENG_I: 1, ENG_II: 1, ENG: 1, TECH: 1 }, true),
    50,
    5,
  );
  const count = Object.keys(snapshot.steps).length;
  console.log(
    `| ${name} | ${count} | ${ms(load.median)} ms | ${ms(load.p95)} ms | ${ms(mermaid.median)} ms | ${ms(svg.median)} ms | ${ms(estimate.median)} ms |`,
  );
}

const big = generated(500);
const bigLoad = time(() => loadDefinition(big, 'generated.yaml'), 20, 3);
const bigSnapshot = loadDefinition(big, 'generated.yaml').snapshot;
const bigSteps = Object.keys(bigSnapshot.steps).length;
const bigSvg = time(() => toSvg(bigSnapshot), 3, 1);
const bigEstimate = time(
  () => estimateDefinition(bigSnapshot, { projectId: 'p', limit: 10 }, { ENG_I: 1, TECH: 1 }, true),
  10,
  2,
);
console.log(
  `\nGenerated ${bigSteps} steps (${(big.length / 1024).toFixed(0)} KB): validate + compile median ${ms(bigLoad.median)} ms, p95 ${ms(bigLoad.p95)} ms; ` +
    `SVG ${ms(bigSvg.median)} ms; estimate ${ms(bigEstimate.median)} ms`,
);

const started = performance.now();
let loaded = 0;
while (performance.now() - started < 3000) {
  for (const [name, source] of sources) {
    loadDefinition(source, name);
    loaded++;
  }
}
const seconds = (performance.now() - started) / 1000;
const sorted = [...medians].sort((a, b) => a - b);
console.log(
  `Whole catalog (${files.length} files) in a loop for ${seconds.toFixed(1)} s: ${Math.round(loaded / seconds)} definitions/s; ` +
    `median of the per-definition medians ${ms(percentile(sorted, 50))} ms, slowest ${ms(sorted[sorted.length - 1] ?? NaN)} ms`,
);
