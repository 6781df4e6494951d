import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRateCardOn } from '../../db/queries/billing.ts';
import type { Pool } from '../../db/pool.ts';
import { estimateDefinition } from '../../definitions/estimate.ts';
import { loadDefinition } from '../../definitions/loader.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { formatUah } from '../../lib/money.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { potik } from '../helpers/potik.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROKEN = 'test/fixtures/definitions/broken';
const IMPORT = 'definitions/catalog/import.yaml';

/** Each broken example of definitions/loader.test.ts with the positions the loader reports, in order. */
const EXAMPLES: [string, string[]][] = [
  ['malformed-yaml', ['12:1']],
  ['duplicate-key', ['12:5']],
  ['unknown-field', ['13:5']],
  ['quoted-number', ['13:31']],
  ['yes-boolean', ['15:15']],
  ['anchors-aliases', ['10:5', '11:5']],
  ['alias-bomb', ['1:4']],
  ['deep-brackets', ['13:44']],
  ['deep-indentation', ['130:1']],
  ['unknown-kind', ['11:11']],
  ['missing-goto', ['14:15']],
  ['unbounded-loop', ['16:11']],
  ['unknown-function', ['13:35']],
  ['invalid-form', ['18:25']],
  ['several-problems', ['12:15', '13:20', '13:47', '14:9']],
  ['unknown-activity', ['12:15']],
  ['planned-activity', ['16:15']],
];

describe('potik validate', () => {
  it.concurrent.each(EXAMPLES)(
    'when %s is validated, then it prints file:line:column lines and exits 1',
    async (name, positions) => {
      const file = `${BROKEN}/${name}.yaml`;
      const { code, stdout } = await potik(['validate', file]);
      expect(code).toBe(1);
      const located = stdout.split('\n').filter((line) => line.startsWith(`${file}:`));
      expect(located.slice(0, positions.length).map((line) => line.split(':').slice(1, 3).join(':'))).toEqual(
        positions,
      );
      // The same issues the loader raises, line for line, each hint indented under its issue.
      let expected: string[] = [];
      try {
        loadDefinition(readFileSync(join(ROOT, file), 'utf8'), file);
      } catch (error) {
        expected = (
          error as { issues: { file: string; line: number; column: number; message: string; hint?: string }[] }
        ).issues.flatMap((i) => [
          `${i.file}:${i.line}:${i.column}: ${i.message}`,
          ...(i.hint ? [`    hint: ${i.hint}`] : []),
        ]);
      }
      expect(stdout.trimEnd().split('\n')).toEqual(expected);
    },
  );

  it('when a file is over 1 MB, then the problem is at 1:1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'potik-validate-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `id: big\nversion: 1\n# ${'x'.repeat(1024 * 1024)}\n`);
    const { code, stdout } = await potik(['validate', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: `));
  });

  it('when --json is given, then every file is reported with its issues as data', async () => {
    const { code, stdout } = await potik(['validate', '--json', IMPORT, `${BROKEN}/unknown-field.yaml`]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { valid: boolean; files: Record<string, unknown>[] };
    expect(report.valid).toBe(false);
    expect(report.files[0]).toMatchObject({
      file: IMPORT,
      valid: true,
      id: 'data-import',
      version: loadDefinition(readFileSync(join(ROOT, IMPORT), 'utf8'), IMPORT).snapshot.version,
    });
    expect(report.files[1]).toEqual({
      file: `${BROKEN}/unknown-field.yaml`,
      valid: false,
      errors: [
        {
          file: `${BROKEN}/unknown-field.yaml`,
          line: 13,
          column: 5,
          path: 'steps[0].timout',
          message: "step 'a': unknown field 'timout'",
          hint: "did you mean 'timeout'?",
        },
      ],
      issueCount: 1,
    });
  });

  it('when every catalog file is validated, then each is ok and the exit code is 0', async () => {
    const files = ['audit', 'import', 'reprojection', 'training'].map((n) => `definitions/catalog/${n}.yaml`);
    const { code, stdout } = await potik(['validate', ...files]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(stdout).toMatch(/^definitions\/catalog\/audit\.yaml: ok \(db-audit v\d+, sha256 [0-9a-f]{12}\)$/m);
  });
});

describe('potik graph', () => {
  it('when a definition is drawn, then Mermaid goes to stdout and SVG to the file given', async () => {
    const mermaid = await potik(['graph', IMPORT]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(mermaid.stdout).toContain('s_trial_ok -.->|"not review-trial.ok ≤3×"| s_mapping');

    const out = join(mkdtempSync(join(tmpdir(), 'potik-graph-')), 'import.svg');
    const svg = await potik(['graph', IMPORT, '--svg', '-o', out]);
    expect(svg.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('when the definition is broken, then the problems are printed and the exit code is 1', async () => {
    const { code, stderr } = await potik(['graph', `${BROKEN}/unknown-kind.yaml`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${BROKEN}/unknown-kind.yaml:11:11: step 'a': unknown step kind 'aproval'`);
  });
});

describe('potik estimate', () => {
  let pool: Pool;
  let url: string;
  beforeAll(async () => {
    ({ pool, url } = await createTestDatabase());
    await seedDemoData(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('when rates are given, then it prints hours min–max and UAH with a decimal comma', async () => {
    const rates = JSON.stringify({ LEAD: 115000, ENG_I: 95000, ENG_II: 80000, TECH: 55000 });
    const { code, stdout } = await potik(['estimate', IMPORT, '--inputs', '{"projectId":"p1"}', '--rates', rates], {
      VENDOR_VAT_PAYER: 'true',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ENG_I\s+16,00\s+16,00–80,00\s+950,00\s+15 200,00\s+3 040,00$/m);
    expect(stdout).toMatch(/^Total\s+44,00\s+37 000,00\s+7 400,00$/m);
    expect(stdout).toContain('Amount incl. VAT: 44 400,00 UAH');
  });

  it("when no rates are given, then DATABASE_URL's current rate card prices it", async () => {
    const card = await selectRateCardOn(pool, kyivDate(Date.now()));
    expect(card).not.toBeNull();
    const { snapshot } = loadDefinition(readFileSync(join(ROOT, IMPORT), 'utf8'), IMPORT);
    const expected = estimateDefinition(snapshot, { projectId: 'p1' }, card!.rates, true);

    const json = await potik(['estimate', IMPORT, '--inputs', '{"projectId":"p1"}', '--json'], {
      DATABASE_URL: url,
      VENDOR_VAT_PAYER: 'true',
    });
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.stdout) as { rates: string; lines: unknown; totals: unknown };
    expect(printed.lines).toEqual(expected.lines);
    expect(printed.totals).toEqual(expected.totals);
    expect(printed.rates).toContain(`rate card ${card!.id}`);

    const text = await potik(['estimate', IMPORT, '--inputs', '{"projectId":"p1"}'], {
      DATABASE_URL: url,
      VENDOR_VAT_PAYER: 'true',
    });
    expect(text.stdout).toContain(`Amount incl. VAT: ${formatUah(expected.totals.amountInclVat, { group: ' ' })} UAH`);
  });

  it('when the inputs are ones a launch would refuse, then it names the field and exits 1', async () => {
    const { code, stderr } = await potik(['estimate', IMPORT, '--inputs', '{"datasets":2}', '--rates', '{"LEAD":1}']);
    expect(code).toBe(1);
    expect(stderr).toContain('missing required field "projectId"');
  });

  it('when the rates name an unknown category, then it says which and exits 1', async () => {
    const { code, stderr } = await potik(['estimate', IMPORT, '--inputs', '{}', '--rates', '{"CHIEF":1}']);
    expect(code).toBe(1);
    expect(stderr).toContain('unknown category CHIEF');
  });
});
