/**
 * `npm run bench -- <name> [args…]` runs bench/<name>.ts with its arguments; without a name it lists
 * the benchmarks with the first line of what each measures. Results go to bench/RESULTS.md by hand,
 * with the command that produced them.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const benchmarks = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('-workflows.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

/** The first sentence of the file's leading doc comment, shortened to a line. */
function summary(name: string): string {
  const text = readFileSync(`${dir}${name}.ts`, 'utf8');
  const comment = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  const prose = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .join(' ')
    .trim();
  const first = (/^(.*?)[.:](\s|$)/.exec(prose)?.[1] ?? prose).replace(/\s*\(not part of npm test\)$/, '');
  return first.length > 90 ? `${first.slice(0, 89)}…` : first;
}

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.log('Benchmarks (npm run bench -- <name> [args…]):');
  for (const benchmark of benchmarks) console.log(`  ${benchmark.padEnd(16)} ${summary(benchmark)}`);
  process.exit(0);
}
if (!benchmarks.includes(name)) {
  console.error(`No benchmark "${name}". There are: ${benchmarks.join(', ')}.`);
  process.exit(2);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
