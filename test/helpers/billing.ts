/**
 * Ledger rows for the billing suites. Real ones: engagements of `minimal-billed` — the minimal
 * process re-published as the extended service X-CONTENT, so a customer with billed coverage pays
 * for it — run through the API, Temporal and the worker. Many ones: db/queries/ledger-seed.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { Pool } from '../../db/pool.ts';
import { insertDefinition } from '../../db/queries/definitions.ts';
import { upsertSeedContract, upsertSeedCustomer } from '../../db/queries/ledger-seed.ts';
import { CATALOG_DIR } from '../../definitions/publish.ts';
import { loadDefinition } from '../../definitions/loader.ts';
import { apiClient, eventually, type TestStack } from './stack.ts';

export const BILLED_DEFINITION = 'minimal-billed';

/** Publishes the minimal process as `minimal-billed`, service X-CONTENT (extended, billed by norm-hours). */
export async function publishBilledMinimal(stack: TestStack): Promise<void> {
  const minimal = await readFile(join(CATALOG_DIR, 'minimal.yaml'), 'utf8');
  const source = minimal
    .replace(/^id: minimal$/m, `id: ${BILLED_DEFINITION}`)
    .replace(/^service: B-HOTLINE$/m, 'service: X-CONTENT');
  if (source === minimal) throw new Error('minimal.yaml changed shape; update publishBilledMinimal');
  const compiled = loadDefinition(source, 'test/minimal-billed.yaml');
  await insertDefinition(stack.pool, { source, compiled, publishedBy: 'test' });
}

/**
 * Launches `minimal-billed` as olena.pm, lets andrii.eng1 answer with `hoursSpent`, and waits for
 * completion; returns the engagement id and its entitlement decision.
 */
export async function runBilledEngagement(
  stack: TestStack,
  p: { customerId: string; projectId: string | null; topic: string; hoursSpent: number },
): Promise<{ id: string; entitlement: Record<string, unknown> }> {
  const pm = apiClient(stack, 'olena.pm');
  const engineer = apiClient(stack, 'andrii.eng1');
  const launched = await pm('POST', '/v1/engagements', {
    definitionId: BILLED_DEFINITION,
    customerId: p.customerId,
    projectId: p.projectId,
    params: { topic: p.topic },
  });
  if (launched.status !== 201) throw new Error(`launch failed: ${launched.status} ${JSON.stringify(launched.body)}`);
  const id = launched.body.id as string;
  const task = await eventually(
    async () => {
      const inbox = await engineer('GET', '/v1/tasks');
      return (inbox.body.items as { id: string; engagementId: string }[]).find((t) => t.engagementId === id);
    },
    20_000,
    `the task of ${p.topic}`,
  );
  const completed = await engineer('POST', `/v1/tasks/${task.id}/complete`, {
    result: { answer: 'Done' },
    hoursSpent: p.hoursSpent,
  });
  if (completed.status !== 200)
    throw new Error(`completion failed: ${completed.status} ${JSON.stringify(completed.body)}`);
  await eventually(
    async () => ((await pm('GET', `/v1/engagements/${id}`)).body.status === 'COMPLETED' ? true : undefined),
    20_000,
    `${p.topic} to complete`,
  );
  return { id, entitlement: launched.body.entitlement as Record<string, unknown> };
}

/** The database URL of the stack's pool (for running the CLI against it). */
export function databaseUrlOf(stack: TestStack): string {
  const url = stack.pool.options.connectionString;
  if (!url) throw new Error('the test pool has no connection string');
  return url;
}

/** Runs `potik <args>` as a child process against the stack's database; resolves with stdout as bytes. */
export async function runCli(
  stack: TestStack,
  args: string[],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const child = spawn(process.execPath, ['bin/potik.js', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrlOf(stack), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exit) => resolve(exit ?? -1));
  });
  return { code, stdout: Buffer.concat(stdout), stderr };
}

/**
 * RFC 4180 with `;` and CRLF, strict: a bare CR or LF outside quotes, a stray quote or text after
 * a closing quote is an error, so a malformed export cannot parse by accident.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i += 1;
        if (i < text.length && text[i] !== ';' && text[i] !== '\r')
          throw new Error(`text after a closing quote at ${i}`);
        continue;
      }
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || wasQuoted) throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      wasQuoted = true;
      i += 1;
    } else if (ch === ';') {
      record.push(cell);
      cell = '';
      wasQuoted = false;
      i += 1;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      wasQuoted = false;
      i += 2;
    } else if (ch === '\n') {
      throw new Error(`bare LF at ${i}`);
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}

/**
 * A customer whose name is a spreadsheet formula (`=SUM(A1:A9)`, id `formula-co`) with a one-off
 * contract `oo-formula` (РП-11/2026): exports must write the name as text.
 */
export async function seedFormulaCustomer(pool: Pool): Promise<void> {
  await upsertSeedCustomer(pool, { id: 'formula-co', name: '=SUM(A1:A9)', edrpou: '90000077', vatPayer: true });
  await upsertSeedContract(pool, {
    id: 'oo-formula',
    customerId: 'formula-co',
    number: 'РП-11/2026',
    kind: 'ONE_OFF_SERVICES',
    signedAt: '2025-12-20',
    prozorroId: 'UA-2025-12-20-000123-a',
    cpvCode: '72260000-5',
  });
}
