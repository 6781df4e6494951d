/**
 * Loads definitions (validate + compile) in a worker thread, so that a large document never holds
 * the API's event loop: health checks and every other request keep being answered meanwhile. One
 * thread, kept warm, takes one definition at a time; a definition that is not done within the time
 * limit (or outgrows the thread's memory) has the thread stopped and is answered as a definition
 * problem, and the next one gets a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import { DefinitionError } from '../definitions/definition-error.ts';
import type { CompiledDefinition } from '../definitions/model.ts';
import type { OfferState } from '../definitions/offers.ts';
import { AppError } from '../lib/errors.ts';

export interface DefinitionThread {
  /**
   * Loads a definition as `loadDefinition` does; rejects with its DefinitionError. `offers`, the
   * published versions and whether each is offered, checks the definition's subprocess steps.
   */
  load(
    source: string,
    file: string,
    options?: { timeLimitMs?: number; offers?: readonly OfferState[] },
  ): Promise<CompiledDefinition>;
  /** Starts the thread now rather than on the first definition. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export interface DefinitionThreadOptions {
  /** How long one definition may take (DEFAULT_TIME_LIMIT_MS). */
  timeLimitMs?: number;
  /** Definitions waiting their turn at most; beyond it a request is answered 503 (DEFAULT_MAX_WAITING). */
  maxWaiting?: number;
}

/** Far above what any definition the preflight lets through takes (well under a second). */
export const DEFAULT_TIME_LIMIT_MS = 10_000;
export const DEFAULT_MAX_WAITING = 16;
/** Heap of the thread: a megabyte of YAML with its parse tree and schema errors fits many times. */
const THREAD_HEAP_MB = 256;

const ENTRY = new URL('./definition-thread-entry.js', import.meta.url);

type Reply =
  | { ready: true }
  | { id: number; compiled: CompiledDefinition }
  | { id: number; issues: DefinitionError['issues']; issueCount: number }
  | { id: number; failure: string };

interface Job {
  source: string;
  file: string;
  offers: readonly OfferState[] | undefined;
  timeLimitMs: number;
  resolve(compiled: CompiledDefinition): void;
  reject(error: unknown): void;
}

function tooComplex(file: string, why: string): DefinitionError {
  return new DefinitionError([
    {
      file,
      line: 1,
      column: 1,
      path: '',
      message: `the definition could not be checked: ${why}`,
      hint: 'split it into smaller processes and call them as subprocess steps',
    },
  ]);
}

export function createDefinitionThread(options: DefinitionThreadOptions = {}): DefinitionThread {
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  const queue: Job[] = [];
  let thread: { worker: Worker; ready: Promise<Worker> } | undefined;
  let draining = false;
  let nextId = 0;

  /** Forgets a thread that is stopping, so the next definition starts a new one. */
  const forget = (worker: Worker): void => {
    if (thread?.worker === worker) thread = undefined;
  };

  const start = (): Promise<Worker> => {
    if (thread) return thread.ready;
    const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    // An idle thread never keeps the process alive.
    worker.unref();
    const ready = new Promise<Worker>((resolve, reject) => {
      const onMessage = (reply: Reply): void => {
        if ('ready' in reply) {
          worker.off('error', reject);
          resolve(worker);
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    thread = { worker, ready };
    worker.once('exit', () => forget(worker));
    // A thread that failed to start is forgotten, so the next definition tries a new one.
    ready.catch(() => forget(worker));
    return ready;
  };

  const run = async (job: Job): Promise<CompiledDefinition> => {
    const worker = await start();
    const id = ++nextId;
    return new Promise<CompiledDefinition>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply): void => {
        if (!('id' in reply) || reply.id !== id) return;
        settle();
        if ('compiled' in reply) resolve(reply.compiled);
        else if ('issues' in reply) reject(new DefinitionError(reply.issues, reply.issueCount));
        else reject(new Error(`loading ${job.file} failed in the definition thread: ${reply.failure}`));
      };
      const onError = (error: Error & { code?: string }): void => {
        settle();
        forget(worker);
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooComplex(job.file, 'it needs too much memory') : error);
      };
      const onExit = (): void => {
        settle();
        reject(new Error(`the definition thread stopped while loading ${job.file}`));
      };
      const timer = setTimeout(() => {
        settle();
        forget(worker);
        void worker.terminate();
        reject(tooComplex(job.file, `it takes longer than ${job.timeLimitMs} ms`));
      }, job.timeLimitMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, source: job.source, file: job.file, offers: job.offers });
    });
  };

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        try {
          job.resolve(await run(job));
        } catch (error) {
          job.reject(error);
        }
      }
    } finally {
      draining = false;
    }
  };

  return {
    load(source, file, loadOptions = {}) {
      if (queue.length >= maxWaiting) {
        return Promise.reject(
          new AppError('unavailable', 'Other definitions are being checked right now; retry in a few seconds.'),
        );
      }
      return new Promise<CompiledDefinition>((resolve, reject) => {
        queue.push({
          source,
          file,
          offers: loadOptions.offers,
          timeLimitMs: loadOptions.timeLimitMs ?? timeLimitMs,
          resolve,
          reject,
        });
        void drain();
      });
    },
    async warm() {
      await start();
    },
    async close() {
      const current = thread;
      thread = undefined;
      if (current) await current.worker.terminate();
    },
  };
}
