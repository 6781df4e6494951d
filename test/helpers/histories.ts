import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestStack } from './stack.ts';

export const HISTORIES_DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/**
 * With RECORD_HISTORIES=1, saves the workflow's history as a replay fixture. Record only when the
 * interpreter's commands change on purpose (behind `patched()`): old fixtures stay, new ones join.
 */
export async function recordHistory(stack: TestStack, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  await mkdir(HISTORIES_DIR, { recursive: true });
  // Stack traces in failures name files by absolute path: keep them relative to the project.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  await writeFile(`${HISTORIES_DIR}${name}.json`, historyToJSON(history).replaceAll(root, ''));
}
