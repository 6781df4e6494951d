import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DefinitionError, formatIssue } from './definition-error.ts';
import { inspectDefinition, loadDefinition } from './loader.ts';
import { notOfferedReason, subprocessProblemOf } from './offers.ts';

function broken(name: string): string {
  return readFileSync(new URL(`../test/fixtures/definitions/broken/${name}.yaml`, import.meta.url), 'utf8');
}

function issuesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).issues.map(formatIssue);
  }
  throw new Error('the definition loaded');
}

const PARENT = `id: parent
version: 1
title: Parent
service: X-INTEGR
inputs: { type: object }
steps:
  - id: connect
    kind: subprocess
    definition: data-exchange
`;

describe('activities and subprocesses a definition names', () => {
  it('when an activity is unknown, then the definition is refused at the name', () => {
    expect(issuesOf(() => inspectDefinition(broken('unknown-activity'), 'demo.yaml'))).toEqual([
      "demo.yaml:12:15: step 'a': there is no activity 'foo.bar' — see activities/names.ts for the list [steps[0].activity]",
    ]);
  });

  it('when an activity is still to come, then loading refuses it and inspecting returns it as what keeps the definition from being offered', () => {
    const source = broken('planned-activity');
    const planned = { planned: new Set(['future.work']) };
    const message = "demo.yaml:16:15: step 'publish': activity 'future.work' is not implemented yet";
    expect(issuesOf(() => loadDefinition(source, 'demo.yaml', planned))).toEqual([expect.stringContaining(message)]);
    const { compiled, notOffered } = inspectDefinition(source, 'demo.yaml', planned);
    expect(compiled.snapshot.id).toBe('demo');
    expect(notOfferedReason(notOffered)).toBe(`${message}, so the definition cannot be offered`);
  });

  it('when a worker lacks an activity of the catalog, then the definition is refused saying this worker does not implement it', () => {
    const source = broken('planned-activity').replace('future.work', 'audit.run');
    expect(issuesOf(() => loadDefinition(source, 'demo.yaml', { activities: new Set(['notify.send']) }))).toEqual([
      expect.stringContaining(
        "demo.yaml:16:15: step 'publish': activity 'audit.run' is not implemented by this worker",
      ),
    ]);
  });

  it('when a subprocess runs a definition that is not offered or not published, then the definition is refused at its name', () => {
    const notOffered = subprocessProblemOf([{ id: 'data-exchange', version: 1, not_offered_reason: 'x' }]);
    expect(issuesOf(() => loadDefinition(PARENT, 'parent.yaml', { subprocessProblem: notOffered }))).toEqual([
      "parent.yaml:9:17: step 'connect': definition 'data-exchange' version 1 is not offered yet, so neither is a process that runs it [steps[0].definition]",
    ]);
    const missing = subprocessProblemOf([]);
    expect(issuesOf(() => loadDefinition(PARENT, 'parent.yaml', { subprocessProblem: missing }))).toEqual([
      expect.stringContaining("parent.yaml:9:17: step 'connect': definition 'data-exchange' is not published"),
    ]);
    const offered = subprocessProblemOf([
      { id: 'data-exchange', version: 1, not_offered_reason: 'x' },
      { id: 'data-exchange', version: 2, not_offered_reason: null },
    ]);
    expect(loadDefinition(PARENT, 'parent.yaml', { subprocessProblem: offered }).snapshot.id).toBe('parent');
    expect(offered('data-exchange', 1)).toContain('not offered yet');
  });
});
