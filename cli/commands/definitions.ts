/**
 * Authoring commands for definitions: `validate` (compiler-style errors), `graph` (Mermaid or SVG)
 * and `estimate` (norm-hours and cost for given inputs, at given rates or the current rate card).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { assertMatches } from '../../api/validate.ts';
import { selectRateCardOn } from '../../db/queries/billing.ts';
import { DefinitionError, type DefinitionIssue } from '../../definitions/definition-error.ts';
import { estimateDefinition } from '../../definitions/estimate.ts';
import { toMermaid } from '../../definitions/graph.ts';
import { toSvg } from '../../definitions/graph-svg.ts';
import { loadDefinition } from '../../definitions/loader.ts';
import { CATEGORIES, type Category, type CompiledDefinition, type JsonValue } from '../../definitions/model.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { loadConfig } from '../../lib/config.ts';
import { withDatabase } from '../database.ts';
import { formatEstimate, formatIssueLines } from '../definition-output.ts';

type Loaded =
  | { file: string; compiled: CompiledDefinition }
  /** `issueCount`: how many problems there are; `issues` lists the first of them. */
  | { file: string; issues: DefinitionIssue[]; issueCount: number };

/** Loads a file; a file that cannot be read is one issue at 1:1, like any other problem. */
function loadFile(file: string): Loaded {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      file,
      issues: [{ file, line: 1, column: 1, path: '', message: `cannot read the file: ${reason}` }],
      issueCount: 1,
    };
  }
  try {
    return { file, compiled: loadDefinition(source, file) };
  } catch (error) {
    if (error instanceof DefinitionError) return { file, issues: [...error.issues], issueCount: error.issueCount };
    throw error;
  }
}

/** Loads one definition for graph/estimate, or prints its problems and exits 1. */
function loadOrExit(file: string): CompiledDefinition {
  const loaded = loadFile(file);
  if ('compiled' in loaded) return loaded.compiled;
  for (const issue of loaded.issues) console.error(formatIssueLines(issue).join('\n'));
  process.exit(1);
}

function jsonObject(what: string): (value: string) => Record<string, JsonValue> {
  return (value) => {
    let text = value;
    if (value.startsWith('@')) text = readFileSync(value.slice(1), 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidArgumentError(`${what} must be JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InvalidArgumentError(`${what} must be a JSON object.`);
    }
    return parsed as Record<string, JsonValue>;
  };
}

function parseRates(value: string): Partial<Record<Category, number>> {
  const object = jsonObject('--rates')(value);
  const rates: Partial<Record<Category, number>> = {};
  for (const [key, rate] of Object.entries(object)) {
    if (!(CATEGORIES as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(`unknown category ${key}; categories are ${CATEGORIES.join(', ')}.`);
    }
    if (typeof rate !== 'number' || !Number.isSafeInteger(rate) || rate < 0) {
      throw new InvalidArgumentError(`the rate of ${key} must be whole kopecks per norm-hour, e.g. 115000.`);
    }
    rates[key as Category] = rate;
  }
  return rates;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check definition files; print file:line:column: message for every problem')
    .argument('<files...>', 'definition YAML files')
    .option('--json', 'print machine-readable results')
    .action((files: string[], options: { json?: boolean }) => {
      const results = files.map(loadFile);
      const valid = results.every((r) => 'compiled' in r);
      if (options.json) {
        const report = results.map((r) =>
          'compiled' in r
            ? {
                file: r.file,
                valid: true,
                id: r.compiled.snapshot.id,
                version: r.compiled.snapshot.version,
                sha256: r.compiled.sha256,
              }
            : { file: r.file, valid: false, errors: r.issues, issueCount: r.issueCount },
        );
        console.log(JSON.stringify({ valid, files: report }, null, 2));
      } else {
        for (const r of results) {
          if ('compiled' in r) {
            const { id, version } = r.compiled.snapshot;
            console.log(`${r.file}: ok (${id} v${version}, sha256 ${r.compiled.sha256.slice(0, 12)})`);
          } else {
            for (const issue of r.issues) console.log(formatIssueLines(issue).join('\n'));
            if (r.issueCount > r.issues.length) {
              console.log(`${r.file}: ${r.issueCount - r.issues.length} more problems not shown`);
            }
          }
        }
        const problems = results.reduce((sum, r) => sum + ('issueCount' in r ? r.issueCount : 0), 0);
        if (problems > 0) console.error(`${problems} problem${problems === 1 ? '' : 's'}`);
      }
      if (!valid) process.exitCode = 1;
    });
}

export function registerGraphCommand(program: Command): void {
  program
    .command('graph')
    .description('Draw a definition: Mermaid flowchart text, or SVG with --svg')
    .argument('<file>', 'definition YAML file')
    .option('--svg', 'draw SVG instead of Mermaid')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((file: string, options: { svg?: boolean; output?: string }) => {
      const { snapshot } = loadOrExit(file);
      const drawing = options.svg ? toSvg(snapshot) : toMermaid(snapshot);
      if (options.output) writeFileSync(options.output, drawing);
      else process.stdout.write(drawing);
    });
}

interface EstimateOptions {
  inputs: Record<string, JsonValue>;
  rates?: Partial<Record<Category, number>>;
  date?: string;
  json?: boolean;
}

export function registerEstimateCommand(program: Command): void {
  program
    .command('estimate')
    .description("Norm-hours and cost of a definition for given inputs, at given rates or DATABASE_URL's rate card")
    .argument('<file>', 'definition YAML file')
    .requiredOption('--inputs <json>', 'launch inputs as a JSON object (or @file.json)', jsonObject('--inputs'))
    .option('--rates <json>', 'kopecks per norm-hour by category, e.g. {"LEAD":115000} (or @file.json)', parseRates)
    .option('--date <date>', 'the rate card in force on this date (default: today in Kyiv)')
    .option('--json', 'print the estimate as JSON')
    .action(async (file: string, options: EstimateOptions) => {
      const { snapshot } = loadOrExit(file);
      // Inputs a launch would refuse give no meaningful estimate; checked on a copy to keep defaults visible.
      assertMatches(snapshot.inputs, structuredClone(options.inputs), { code: 'request-invalid', what: '--inputs' });
      const config = loadConfig();
      let rates = options.rates;
      let source = 'given';
      if (!rates) {
        const date = options.date ?? kyivDate(Date.now());
        const card = await withDatabase((pool) => selectRateCardOn(pool, date));
        if (!card) throw new Error(`no rate card is in force on ${date}; pass --rates`);
        rates = card.rates;
        source = `rate card ${card.id}, in force from ${card.effective_from} (on ${date})`;
      }
      const estimate = estimateDefinition(snapshot, options.inputs, rates, config.vendorVatPayer);
      if (options.json) {
        console.log(
          JSON.stringify({ id: snapshot.id, version: snapshot.version, rates: source, ...estimate }, null, 2),
        );
        return;
      }
      const heading = { id: snapshot.id, version: snapshot.version, title: snapshot.title, service: snapshot.service };
      process.stdout.write(formatEstimate({ ...heading, rates: source }, estimate));
    });
}
