// The thread api/definition-thread.ts loads definitions in. Plain JavaScript: a worker thread does
// not inherit the TypeScript loader of the process that starts it (vitest, or none), so it registers
// tsx itself before importing the loader.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { loadDefinition } = await import('../definitions/loader.ts');
const { DefinitionError } = await import('../definitions/definition-error.ts');
const { subprocessProblemOf } = await import('../definitions/offers.ts');

// The schema validator and the expression environment are built on first use: build them now, so
// that a definition's time limit counts its own work only.
loadDefinition(
  'id: warm-up\nversion: 1\ntitle: Warm-up\nservice: B-HOTLINE\ninputs: { type: object }\nsteps:\n  - id: a\n    kind: end\n',
  'warm-up.yaml',
);

parentPort.on('message', ({ id, source, file, offers }) => {
  try {
    const options = offers ? { subprocessProblem: subprocessProblemOf(offers) } : {};
    parentPort.postMessage({ id, compiled: loadDefinition(source, file, options) });
  } catch (error) {
    if (error instanceof DefinitionError) {
      parentPort.postMessage({ id, issues: error.issues, issueCount: error.issueCount });
    } else {
      parentPort.postMessage({ id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
});
parentPort.postMessage({ ready: true });
