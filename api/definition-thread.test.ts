import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionError } from '../definitions/definition-error.ts';
import { loadDefinition } from '../definitions/loader.ts';
import { createDefinitionThread } from './definition-thread.ts';

const minimal = readFileSync(new URL('../definitions/catalog/minimal.yaml', import.meta.url), 'utf8');
/** 12,000 unknown fields: under the preflight's cap, so the thread parses and validates all of them. */
const heavy = Array.from({ length: 12_000 }, (_, i) => `k${i}: 1\n`).join('');

// Every test may start a thread, which loads the definition modules: seconds on a busy machine.
describe('the definition thread', { timeout: 120_000 }, () => {
  const thread = createDefinitionThread();
  afterAll(async () => {
    await thread.close();
  });

  it('when a definition loads, then the result is what loadDefinition gives', async () => {
    expect(await thread.load(minimal, 'minimal.yaml')).toEqual(loadDefinition(minimal, 'minimal.yaml'));
  });

  it('when a definition has problems, then they come back as its DefinitionError', async () => {
    const error = await thread.load(heavy, 'heavy.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).issueCount).toBe(12_006);
    expect((error as DefinitionError).issues).toHaveLength(100);
  });

  it('when a definition loads, then this thread keeps running timers meanwhile', async () => {
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 1);
    const loading = thread.load(heavy, 'heavy.yaml').catch(() => undefined);
    const before = ticks;
    await loading;
    clearInterval(ticking);
    expect(ticks - before).toBeGreaterThan(0);
  });

  it('when a definition outlasts the time limit, then it is one problem at 1:1 and the next gets a fresh thread', async () => {
    const error = await thread.load(heavy, 'heavy.yaml', { timeLimitMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).issues).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message: 'the definition could not be checked: it takes longer than 1 ms',
      }),
    ]);
    expect((await thread.load(minimal, 'minimal.yaml')).snapshot.id).toBe('minimal');
  });

  it('when more definitions wait than allowed, then the next is refused as unavailable', async () => {
    const small = createDefinitionThread({ maxWaiting: 1 });
    try {
      const first = small.load(heavy, 'a.yaml').catch(() => undefined);
      const second = small.load(heavy, 'b.yaml').catch(() => undefined);
      await expect(small.load(minimal, 'c.yaml')).rejects.toMatchObject({ code: 'unavailable' });
      await Promise.all([first, second]);
    } finally {
      await small.close();
    }
  });
});
