import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileDefinition } from './compile.ts';
import { DefinitionError } from './definition-error.ts';
import { loadDefinition } from './loader.ts';
import { CATEGORIES } from './model.ts';
import type { ProcessDefinition, StepDefinition } from './schema.ts';

const durationArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('s', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`),
  fc.integer({ min: 0, max: 86_400_000 }),
);
const textArb = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => !s.includes('${') && s.trim() === s && s !== '');
const normArb = fc
  .subarray([...CATEGORIES], { minLength: 1 })
  .chain((cats) =>
    fc
      .tuple(...cats.map(() => fc.integer({ min: 0, max: 40 })))
      .map((hours) => Object.fromEntries(cats.map((c, i) => [c, hours[i]]))),
  );

function stepArb(id: string): fc.Arbitrary<StepDefinition> {
  return fc.oneof(
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('activity' as const),
      activity: fc.constant('notify.send'),
      input: fc.record({
        to: fc.constantFrom('pm', 'customer'),
        subject: fc.constantFrom('Hello', 'Project ${inputs.projectId}', '${inputs.projectId}'),
      }),
      timeout: durationArb,
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('task' as const),
      title: textArb,
      assignee: fc.constantFrom(...CATEGORIES).map((category) => ({ category })),
      norm: normArb,
      due: durationArb,
      reminders: fc.array(durationArb, { maxLength: 3 }),
    }),
    fc.record({
      id: fc.constant(id),
      kind: fc.constant('approval' as const),
      approvers: fc.constantFrom(
        [{ role: 'customer' as const }],
        [{ role: 'lead' as const }, { category: 'LEAD' as const }],
      ),
      rule: fc.constantFrom('all' as const, 'any' as const),
    }),
    fc.record({ id: fc.constant(id), kind: fc.constant('wait' as const), for: durationArb }),
  ) as fc.Arbitrary<StepDefinition>;
}

const definitionArb: fc.Arbitrary<ProcessDefinition> = fc
  .record({
    count: fc.integer({ min: 1, max: 8 }),
    title: textArb,
    version: fc.integer({ min: 1, max: 1000 }),
    service: fc.constantFrom('X-IMPORT', 'B-HOTLINE', 'X-TRAIN'),
  })
  .chain(({ count, title, version, service }) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => stepArb(`step-${i + 1}`))).map((steps): ProcessDefinition => ({
      id: 'generated',
      version,
      title,
      service,
      inputs: { type: 'object', required: ['projectId'], properties: { projectId: { type: 'string' } } },
      steps,
    })),
  );

describe('generated valid definitions', () => {
  it('round-trip: stringify → load gives the snapshot of the definition itself', () => {
    fc.assert(
      fc.property(definitionArb, (definition) => {
        const loaded = loadDefinition(stringify(definition), 'generated.yaml');
        expect(loaded.snapshot).toEqual(compileDefinition(definition));
        expect(loadDefinition(JSON.stringify(definition), 'generated.json').sha256).toBe(loaded.sha256);
      }),
      { numRuns: 150 },
    );
  });
});

const CATALOG = new URL('./catalog/', import.meta.url);
const sources = readdirSync(CATALOG)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(new URL(f, CATALOG), 'utf8'));

const fragment = fc.constantFrom(
  ':',
  '-',
  ' ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '!tag ',
  '<<: ',
  '"',
  "'",
  '#',
  '${',
  '}',
  'kind: x\n',
  'next: nowhere',
  '  ',
  'yes',
  '"90"',
  '- id: a\n',
  '\u0000',
  '\u{1F600}',
  '.inf',
  '~',
  '? ',
  '|\n',
  '>-\n',
  '%YAML 1.1\n',
);

const mutationArb = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fragment, fc.string({ maxLength: 8 })),
  }),
  fc.record({ op: fc.constant('swap-lines' as const), at: fc.nat(), with: fc.nat() }),
);

interface Mutation {
  op: string;
  at: number;
  length?: number;
  text?: string;
  with?: number;
}

function mutate(source: string, mutations: Mutation[]): string {
  let text = source;
  for (const m of mutations) {
    const at = text.length === 0 ? 0 : m.at % text.length;
    if (m.op === 'delete') text = text.slice(0, at) + text.slice(at + (m.length ?? 1));
    else if (m.op === 'insert') text = text.slice(0, at) + (m.text ?? '') + text.slice(at);
    else {
      const lines = text.split('\n');
      const a = m.at % lines.length;
      const b = (m.with ?? 0) % lines.length;
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      text = lines.join('\n');
    }
  }
  return text;
}

describe('arbitrary mutations of valid documents', () => {
  it('only ever throw DefinitionError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (source, mutations) => {
          const text = mutate(source, mutations);
          try {
            loadDefinition(text, 'mutated.yaml');
          } catch (error) {
            if (!(error instanceof DefinitionError)) throw error;
            for (const issue of error.issues) {
              expect(issue.line).toBeGreaterThanOrEqual(1);
              expect(issue.column).toBeGreaterThanOrEqual(1);
              expect(issue.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
