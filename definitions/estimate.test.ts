import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateDefinition, type Estimate } from './estimate.ts';
import { multiplyNorm } from '../workflows/norm-times.ts';
import { loadDefinition } from './loader.ts';
import type { JsonValue, ProcessSnapshot } from './model.ts';

/** Rates in kopecks per norm-hour: LEAD 1 150,00 · ENG_I 950,00 · ENG_II 800,00 · TECH 550,00 UAH. */
const RATES = { LEAD: 115_000, ENG_I: 95_000, ENG_II: 80_000, TECH: 55_000 };

function catalog(name: string): ProcessSnapshot {
  const file = new URL(`./catalog/${name}.yaml`, import.meta.url);
  return loadDefinition(readFileSync(file, 'utf8'), `${name}.yaml`).snapshot;
}

const HEAD = `id: demo
version: 1
title: Demo
service: X-CUSTOM
inputs:
  type: object
  properties:
    count: { type: integer }
    classes: { type: array, items: { type: string } }
steps:
`;

function inline(steps: string): ProcessSnapshot {
  return loadDefinition(HEAD + steps, 'demo.yaml').snapshot;
}

const task = (id: string, norm: string): string =>
  `  - id: ${id}\n    kind: task\n    title: ${id}\n    assignee: { category: ENG_I }\n    norm: ${norm}\n`;

/** category → [expected, min, max] hours. */
function hours(estimate: Estimate): Record<string, [number, number, number]> {
  return Object.fromEntries(estimate.lines.map((l) => [l.category, [l.normHours, l.minHours, l.maxHours]]));
}

function amounts(estimate: Estimate): Record<string, number> {
  return Object.fromEntries(estimate.lines.map((l) => [l.category, l.amountKopecks]));
}

describe('estimateDefinition on the four core processes', () => {
  it('when data-import is estimated, then every step on the main path counts once and each loop widens the maximum', () => {
    const estimate = estimateDefinition(catalog('import'), { projectId: 'p1' }, RATES, true);
    // Expected: scope LEAD 4 · mapping ENG_I 8 · review-trial ENG_II 8 · fix ENG_I 8 + ENG_II 8 · staging-load TECH 8
    //   = LEAD 4, ENG_I 16, ENG_II 16, TECH 8 (the catalog's 4 / 16 / 16 / 8). Nothing can be skipped, so min = expected.
    // Max adds the loops: head-approval and customer-approval, 2 rejections each back to scope: LEAD 4 + 2·4 + 2·4 = 20;
    //   confirm-mapping 3 × mapping (ENG_I 8); trial-ok 3 × (mapping ENG_I 8 + review-trial ENG_II 8);
    //   acceptance 2 × (fix ENG_I 8 + ENG_II 8, staging-load TECH 8):
    //   ENG_I 16 + 24 + 24 + 16 = 80, ENG_II 16 + 24 + 16 = 56, TECH 8 + 16 = 24.
    expect(hours(estimate)).toEqual({
      LEAD: [4, 4, 20],
      ENG_I: [16, 16, 80],
      ENG_II: [16, 16, 56],
      TECH: [8, 8, 24],
    });
    // 4 × 1 150,00 = 4 600,00 · 16 × 950,00 = 15 200,00 · 16 × 800,00 = 12 800,00 · 8 × 550,00 = 4 400,00
    expect(amounts(estimate)).toEqual({ LEAD: 460_000, ENG_I: 1_520_000, ENG_II: 1_280_000, TECH: 440_000 });
    // 37 000,00 + 20 % VAT 7 400,00 = 44 400,00
    expect(estimate.totals).toMatchObject({
      normHours: 44,
      amountExclVat: 3_700_000,
      vat: 740_000,
      amountInclVat: 4_440_000,
    });
    expect(estimate.assumptions).toContain('inputs.datasets is taken as its default 1');
    expect(estimate.assumptions).toContain('compensation (on cancel or failure) is not estimated');
  });

  it('when db-audit is estimated, then the recovery is expected, skipping it is the minimum and its loops the maximum', () => {
    const estimate = estimateDefinition(catalog('audit'), { projectId: 'p1', database: 'db' }, RATES, true);
    // Expected (recovery done): lead-review LEAD 4 · analysis ENG_I 8 + choose ENG_I 4 + conflicts ENG_I 4 ·
    //   content ENG_II 8 · switch-over TECH 4 = the catalog's 4 / 16 / 8 / 4.
    // Min: 'feasible' reads a step result, so the skip to final-report is possible: LEAD 4, ENG_I 8 (analysis).
    // Max: clean-enough loops 3 × conflicts (ENG_I 4); go-ahead rejects 2 × (conflicts ENG_I 4 + content ENG_II 8):
    //   ENG_I 16 + 12 + 8 = 36, ENG_II 8 + 16 = 24.
    expect(hours(estimate)).toEqual({
      LEAD: [4, 4, 4],
      ENG_I: [16, 8, 36],
      ENG_II: [8, 0, 24],
      TECH: [4, 0, 4],
    });
    // 4 600,00 + 15 200,00 + 6 400,00 + 2 200,00 = 28 400,00; VAT 5 680,00; 34 080,00
    expect(amounts(estimate)).toEqual({ LEAD: 460_000, ENG_I: 1_520_000, ENG_II: 640_000, TECH: 220_000 });
    expect(estimate.totals).toMatchObject({
      normHours: 32,
      amountExclVat: 2_840_000,
      vat: 568_000,
      amountInclVat: 3_408_000,
    });
    expect(estimate.assumptions.some((a) => a.startsWith("switch 'feasible' depends on results"))).toBe(true);
  });

  it('when reprojection is estimated, then the empirical path is expected and the rigorous one the minimum', () => {
    const inputs = { projectId: 'p1', sourceCrs: 'EPSG:7829', targetCrs: 'EPSG:9858' };
    const estimate = estimateDefinition(catalog('reprojection'), inputs, RATES, true);
    // Expected: path LEAD 4 + choose LEAD 2 · qa ENG_I 12 · tie-points ENG_II 4 + qa ENG_II 4 · tie-points TECH 8
    //   = the catalog's 6 / 12 / 8 / 8.
    // Min: 'route' may jump from path straight to apply: LEAD 4, ENG_I 12, ENG_II 4 (qa), TECH 0.
    // Max: vendor- and customer-approval 2 × path (LEAD 4) each; check-fit 3 × tie-points (ENG_II 4, TECH 8);
    //   geodesist 2 × (tie-points + choose LEAD 2); qa-ok 2 × (path + tie-points + choose + qa):
    //   LEAD 6 + 8 + 8 + 4 + 2·6 = 38; ENG_I 12 + 2·12 = 36; ENG_II 8 + 12 + 8 + 2·8 = 44; TECH 8 + 24 + 16 + 16 = 64.
    expect(hours(estimate)).toEqual({
      LEAD: [6, 4, 38],
      ENG_I: [12, 12, 36],
      ENG_II: [8, 4, 44],
      TECH: [8, 0, 64],
    });
    // 6 900,00 + 11 400,00 + 6 400,00 + 4 400,00 = 29 100,00; VAT 5 820,00; 34 920,00
    expect(amounts(estimate)).toEqual({ LEAD: 690_000, ENG_I: 1_140_000, ENG_II: 640_000, TECH: 440_000 });
    expect(estimate.totals).toMatchObject({
      normHours: 34,
      amountExclVat: 2_910_000,
      vat: 582_000,
      amountInclVat: 3_492_000,
    });
  });

  it('when training is estimated, then the day-by-day delivery is priced for the days asked and ranges from 0 to 10 days', () => {
    const estimate = estimateDefinition(catalog('training'), { site: 'Kharkiv', days: 2 }, RATES, true);
    // Expected: survey ENG_I 2 + programme ENG_I 6 + two delivery days × ENG_I 6 = 20 (catalog: 6 per day + 8 prep);
    //   the sessions come from the programme's result, but expectedItems sizes them by inputs.days.
    // Min 2 + 6 = 8 (no day); max 8 + head-approval and customer-approval 2 × programme 6 each + 10 days × 6
    //   = 8 + 12 + 12 + 60 = 92. trip, assessment and the trainer's report are not billable.
    expect(hours(estimate)).toEqual({ ENG_I: [20, 8, 92] });
    // 20 × 950,00 = 19 000,00; VAT 3 800,00; 22 800,00
    expect(estimate.totals).toEqual({
      normHours: 20,
      amountExclVat: 1_900_000,
      vat: 380_000,
      amountInclVat: 2_280_000,
      amountExclVatUah: '19\u00a0000,00 грн',
      vatUah: '3\u00a0800,00 грн',
      amountInclVatUah: '22\u00a0800,00 грн',
    });
    expect(estimate.lines[0]).toMatchObject({ amountKopecks: 1_900_000, amountUah: '19\u00a0000,00 грн' });
    expect(estimate.assumptions).toContain(
      "forEach 'delivery' is expected to run its body 2 time(s) (inputs.days for these inputs); the range is 0 to 10 items",
    );
    const week = estimateDefinition(catalog('training'), { site: 'Kharkiv', days: 5 }, RATES, true);
    expect(hours(week)).toEqual({ ENG_I: [38, 8, 92] });
  });
});

describe('estimateDefinition resolves what the inputs decide', () => {
  const skip = `  - id: gate\n    kind: switch\n    cases:\n      - when: inputs.count > 1\n        goto: c\n${task('b', '{ ENG_I: 8 }')}${task('c', '{ ENG_I: 2 }')}`;

  it.each<[string, Record<string, JsonValue>, [number, number, number]]>([
    ['the condition holds', { count: 2 }, [2, 2, 2]],
    ['the condition fails', { count: 0 }, [10, 10, 10]],
    ['the condition reads a missing input', {}, [10, 2, 10]],
  ])('when %s, then the switch branch follows', (_, inputs, expected) => {
    expect(hours(estimateDefinition(inline(skip), inputs, RATES, true))).toEqual({ ENG_I: expected });
  });

  it('when a loop case holds for the inputs, then the loop turns its full bound in every figure', () => {
    const snapshot = inline(
      `${task('a', '{ ENG_I: 3 }')}  - id: again\n    kind: switch\n    cases:\n      - when: inputs.count > 1\n        goto: a\n        maxIterations: 3\n`,
    );
    expect(hours(estimateDefinition(snapshot, { count: 2 }, RATES, true))).toEqual({ ENG_I: [12, 12, 12] });
    expect(hours(estimateDefinition(snapshot, { count: 1 }, RATES, true))).toEqual({ ENG_I: [3, 3, 3] });
  });

  it('when forEach items come from the inputs, then the body is multiplied by their number', () => {
    const snapshot = inline(
      `  - id: each\n    kind: forEach\n    items: inputs.classes\n    maxItems: 5\n    steps:\n  ${task('design', '{ LEAD: 2, ENG_I: 8 }').replace(/\n(?=.)/g, '\n  ')}`,
    );
    const estimate = estimateDefinition(snapshot, { classes: ['pipes', 'valves', 'wells'] }, RATES, true);
    expect(hours(estimate)).toEqual({ LEAD: [6, 6, 6], ENG_I: [24, 24, 24] });
    expect(estimate.assumptions).toContain("forEach 'each' runs its body for 3 item(s) given by the inputs");
  });

  it('when forEach items come from a step result, then expectedItems over the inputs sizes the expected figure', () => {
    const body = (expected: string) =>
      `${task('plan', '{ ENG_I: 1 }')}  - id: each\n    kind: forEach\n    items: steps.plan.result.items\n    expectedItems: ${expected}\n    maxItems: 5\n    steps:\n  ${task('do', '{ ENG_I: 2 }').replace(/\n(?=.)/g, '\n  ')}`;
    const snapshot = inline(body('inputs.count'));
    expect(hours(estimateDefinition(snapshot, { count: 3 }, RATES, true))).toEqual({ ENG_I: [7, 1, 11] });
    expect(hours(estimateDefinition(snapshot, { count: 9 }, RATES, true))).toEqual({ ENG_I: [11, 1, 11] });
    // Read before the engagement runs, so it may not read step results.
    expect(() => inline(body('size(steps.plan.result.items)'))).toThrow(/expectedItems may read only inputs/);
  });

  it('when the steps come back in another key order (a JSONB round trip), then the estimate is the same', () => {
    const snapshot = catalog('import');
    const shuffled = { ...snapshot, steps: Object.fromEntries(Object.entries(snapshot.steps).reverse()) };
    expect(estimateDefinition(shuffled, { projectId: 'p1' }, RATES, true)).toEqual(
      estimateDefinition(snapshot, { projectId: 'p1' }, RATES, true),
    );
  });

  it('when a subprocess runs, then its hours are left out and said so', () => {
    const estimate = estimateDefinition(catalog('integration'), {}, RATES, true);
    expect(
      estimate.assumptions.some((a) => /^subprocess '.+' runs '.+', whose norm-hours are not included$/.test(a)),
    ).toBe(true);
  });
});

describe('estimateDefinition prices each line once', () => {
  const snapshot = inline(`${task('a', '{ ENG_I: 1.25 }')}${task('b', '{ TECH: 0.5 }')}`);

  it('when hours × rate has a fraction of a kopeck, then each line rounds half away from zero, then its VAT', () => {
    const estimate = estimateDefinition(snapshot, {}, { ENG_I: 33_333, TECH: 33_333 }, true);
    // ENG_I: 1,25 × 333,33 = 416,6625 → 416,66; VAT 83,332 → 83,33
    // TECH: 0,5 × 333,33 = 166,665 → 166,67 (half away from zero); VAT 33,334 → 33,33
    expect(estimate.lines).toMatchObject([
      {
        category: 'ENG_I',
        normHours: 1.25,
        minHours: 1.25,
        maxHours: 1.25,
        rateKopecks: 33_333,
        amountKopecks: 41_666,
        vatKopecks: 8_333,
      },
      {
        category: 'TECH',
        normHours: 0.5,
        minHours: 0.5,
        maxHours: 0.5,
        rateKopecks: 33_333,
        amountKopecks: 16_667,
        vatKopecks: 3_333,
      },
    ]);
    expect(estimate.totals).toMatchObject({
      normHours: 1.75,
      amountExclVat: 58_333,
      vat: 11_666,
      amountInclVat: 69_999,
    });
  });

  it('when the vendor is not a VAT payer, then no VAT is added', () => {
    const estimate = estimateDefinition(snapshot, {}, { ENG_I: 33_333, TECH: 33_333 }, false);
    expect(estimate.totals).toMatchObject({ normHours: 1.75, amountExclVat: 58_333, vat: 0, amountInclVat: 58_333 });
  });

  it('when a billed category has no rate, then the estimate is refused with its name', () => {
    expect(() => estimateDefinition(snapshot, {}, { ENG_I: 33_333 }, true)).toThrow(/no rate for category TECH/);
  });
});

describe('normTimes: norms per unit of a launch input', () => {
  const expected = (estimate: Estimate) => Object.fromEntries(estimate.lines.map((l) => [l.category, l.normHours]));
  const withPlan = (step: string): string =>
    `${task('plan', '{ ENG_I: 1 }').replace('norm:', 'form: { type: object, properties: { count: { type: integer } } }\n    norm:')}${step}`;
  const multiplied = (times: string): string => `${task('work', '{ ENG_I: 2 }')}    normTimes: ${times}\n`;

  it('when data-import is estimated for 3 datasets, then every per-dataset norm counts 3 times', () => {
    const one = estimateDefinition(catalog('import'), { projectId: 'p1', datasets: 1 }, RATES, true);
    const three = estimateDefinition(catalog('import'), { projectId: 'p1', datasets: 3 }, RATES, true);
    // Per dataset: scope LEAD 4 · mapping ENG_I 8 · review-trial ENG_II 8 · fix ENG_I 8 + ENG_II 8 · staging TECH 8.
    expect(expected(one)).toEqual({ LEAD: 4, ENG_I: 16, ENG_II: 16, TECH: 8 });
    expect(expected(three)).toEqual({ LEAD: 12, ENG_I: 48, ENG_II: 48, TECH: 24 });
    // 12 × 1 150 + 48 × 950 + 48 × 800 + 24 × 550 = 111 000,00 UAH, + 20 % VAT = 133 200,00
    expect(three.totals.amountExclVat).toBe(3 * one.totals.amountExclVat);
    expect(three.totals.amountExclVat).toBe(11_100_000);
    expect(three.totals.amountExclVatUah).toBe('111\u00a0000,00 грн');
    expect(three.totals.amountInclVatUah).toBe('133\u00a0200,00 грн');
    expect(three.lines.find((l) => l.category === 'LEAD')?.amountUah).toBe('13\u00a0800,00 грн');
    expect(three.assumptions).toContain("the norm of 'mapping' counts 3 times (inputs.datasets)");
  });

  it('when datasets is left out, then its default of 1 is assumed and said', () => {
    const estimate = estimateDefinition(catalog('import'), { projectId: 'p1' }, RATES, true);
    expect(expected(estimate)).toEqual({ LEAD: 4, ENG_I: 16, ENG_II: 16, TECH: 8 });
    expect(estimate.assumptions).toContain('inputs.datasets is taken as its default 1');
  });

  it('when normTimes reads a step result or the entitlement, then the definition is refused: it is evaluated before the engagement runs', () => {
    expect(() => inline(withPlan(multiplied('${steps.plan.result.count}')))).toThrow(/normTimes may read only inputs/);
    expect(() => inline(withPlan(multiplied('size(entitlement.basis)')))).toThrow(/normTimes may read only inputs/);
  });

  it('when normTimes is on a step without a norm, then the definition is refused', () => {
    const step = `  - id: work\n    kind: activity\n    title: Work\n    activity: notify.send\n    input: {}\n    normTimes: inputs.count\n`;
    expect(() => inline(step)).toThrow(/normTimes multiplies the norm, but the step has none/);
  });

  it('when normTimes gives no whole number for the inputs, then the estimate counts the norm once and says so', () => {
    const snapshot = inline(withPlan(multiplied('inputs.count')));
    expect(expected(estimateDefinition(snapshot, { count: 4 }, RATES, true))).toEqual({ ENG_I: 9 });
    const unsized = estimateDefinition(snapshot, {}, RATES, true);
    expect(expected(unsized)).toEqual({ ENG_I: 3 });
    expect(unsized.assumptions.join('\n')).toMatch(/'work' is billed inputs.count times.*counted once/);
  });

  it('when a norm is multiplied, then each category is kept to the hundredth of a norm-hour', () => {
    expect(multiplyNorm({ ENG_I: 0.35, TECH: 8 }, 3)).toEqual({ ENG_I: 1.05, TECH: 24 });
    expect(multiplyNorm({ LEAD: 4 }, 0)).toEqual({ LEAD: 0 });
  });
});
