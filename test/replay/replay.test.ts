import { readdir, readFile } from 'node:fs/promises';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { bundleWorkflows } from '../../worker/create-worker.ts';
import { HISTORIES_DIR } from '../helpers/histories.ts';

/**
 * Every recorded history replays against today's interpreter: a change that alters the command
 * sequence without `patched()` fails here, before it can break a running engagement.
 */
describe('replay of recorded engagement histories', async () => {
  const files = (await readdir(HISTORIES_DIR)).filter((name) => name.endsWith('.json')).sort();

  it('when the fixtures are listed, then there is at least one to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('when %s is replayed, then it runs to the same commands', async (file) => {
    const history = JSON.parse(await readFile(`${HISTORIES_DIR}${file}`, 'utf8')) as unknown;
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file);
  });

  it('when workflow code is bundled, then it has no import the sandbox forbids', async () => {
    const bundle = await bundleWorkflows();
    expect(bundle.code).toContain('engagementWorkflow');
  });
});
