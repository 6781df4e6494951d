import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DefinitionError, type DefinitionIssue } from './definition-error.ts';
import { loadDefinition } from './loader.ts';

const HEAD = `id: demo
version: 1
title: Demo
service: X-IMPORT
inputs:
  type: object
  properties:
    count: { type: integer }
steps:
`;
/** HEAD has 9 lines; the first step starts on line 10. */

/**
 * The broken examples live in test/fixtures/definitions/broken, where the `validate` command's
 * integration test reads them too; most start with HEAD.
 */
function broken(name: string): string {
  return readFileSync(new URL(`../test/fixtures/definitions/broken/${name}.yaml`, import.meta.url), 'utf8');
}

function issuesOf(source: string): DefinitionIssue[] {
  try {
    loadDefinition(source, 'demo.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return [...(error as DefinitionError).issues];
  }
  throw new Error('expected the definition to be refused');
}

function onlyIssue(source: string): DefinitionIssue {
  const issues = issuesOf(source);
  expect(issues).toHaveLength(1);
  return issues[0] as DefinitionIssue;
}

describe('loadDefinition refuses broken definitions with positions', () => {
  it('when the YAML is malformed, then it points at the bad line', () => {
    const issue = issuesOf(broken('malformed-yaml'))[0];
    expect(issue).toMatchObject({ line: 12, column: 1 });
    expect(issue?.message).toMatch(/YAML is malformed/);
  });

  it('when a key appears twice, then it points at the second one', () => {
    const issue = onlyIssue(broken('duplicate-key'));
    expect(issue).toMatchObject({ line: 12, column: 5 });
    expect(issue.message).toMatch(/appears twice/);
  });

  it('when a field is unknown, then it names it and suggests the right one', () => {
    const issue = onlyIssue(broken('unknown-field'));
    expect(issue).toMatchObject({ line: 13, column: 5, path: 'steps[0].timout', hint: "did you mean 'timeout'?" });
    expect(issue.message).toBe("step 'a': unknown field 'timout'");
  });

  it('when a number is quoted, then it is a type error, not a coercion', () => {
    const issue = onlyIssue(broken('quoted-number'));
    expect(issue).toMatchObject({ line: 13, column: 31, path: 'steps[0].retry.maximumAttempts' });
    expect(issue.message).toMatch(/must be a whole number, not the text "90"/);
  });

  it('when a boolean is written yes, then it is a type error', () => {
    const issue = onlyIssue(broken('yes-boolean'));
    expect(issue).toMatchObject({ line: 15, column: 15, path: 'steps[0].billable' });
    expect(issue.message).toMatch(/must be true or false, not the text "yes"/);
  });

  it('when anchors and aliases are used, then each is refused before parsing', () => {
    const issues = issuesOf(broken('anchors-aliases'));
    expect(issues.map((i) => [i.line, i.column])).toEqual([
      [10, 5],
      [11, 5],
    ]);
    expect(issues[0]?.message).toMatch(/anchors/);
    expect(issues[1]?.message).toMatch(/aliases/);
  });

  it('when an alias bomb is loaded, then it is refused at its first anchor without expanding', () => {
    const issues = issuesOf(broken('alias-bomb'));
    expect(issues[0]).toMatchObject({ line: 1, column: 4 });
    expect(issues[0]?.message).toMatch(/anchors \(&a\)/);
  });

  it('when the document is larger than 1 MB, then it is refused at 1:1', () => {
    const big = `${HEAD}# ${'x'.repeat(1024 * 1024)}\n`;
    const issue = onlyIssue(big);
    expect(issue).toMatchObject({ line: 1, column: 1 });
    expect(issue.message).toMatch(/at most 1048576 are allowed/);
  });

  it('when brackets nest 10,000 deep, then 50 loads in one process each give an error', () => {
    const deep = broken('deep-brackets');
    for (let i = 0; i < 50; i++) {
      const issue = onlyIssue(deep);
      // `    input: ` is 11 characters; the 33rd bracket is too deep.
      expect(issue).toMatchObject({ line: 13, column: 12 + 32 });
      expect(issue.message).toMatch(/nested more than 32 deep/);
    }
  });

  it('when blocks nest deeper than the indentation cap, then the first too-deep line is named', () => {
    const issue = onlyIssue(broken('deep-indentation'));
    expect(issue).toMatchObject({ line: 130, column: 1 });
    expect(issue.message).toMatch(/indented 129 spaces/);
  });

  it('when a step kind is unknown, then it suggests the closest kind', () => {
    const issue = onlyIssue(broken('unknown-kind'));
    expect(issue).toMatchObject({ line: 11, column: 11, path: 'steps[0].kind', hint: "did you mean 'approval'?" });
    expect(issue.message).toBe("step 'a': unknown step kind 'aproval'");
  });

  it('when a goto names a missing step, then it points at the goto', () => {
    const issue = onlyIssue(broken('missing-goto'));
    expect(issue).toMatchObject({ line: 14, column: 15, path: 'steps[0].cases[0].goto' });
    expect(issue.message).toBe("step 'a': there is no step 'nowhere' to go to");
  });

  it('when steps loop without a bound, then the jump that closes the loop is named', () => {
    const issue = onlyIssue(broken('unbounded-loop'));
    expect(issue).toMatchObject({ line: 16, column: 11, path: 'steps[1].next' });
    expect(issue.message).toMatch(/a → b → a form a loop that nothing bounds/);
    expect(issue.hint).toMatch(/maxIterations/);
  });

  it('when the loop goes through a switch case with maxIterations, then it loads', () => {
    const source = `${HEAD}  - id: a\n    kind: activity\n    activity: notify.send\n  - id: b\n    kind: switch\n    cases:\n      - when: inputs.count > 1\n        goto: a\n        maxIterations: 3\n`;
    expect(loadDefinition(source, 'demo.yaml').snapshot.steps.b).toMatchObject({ kind: 'switch', next: null });
  });

  it('when an expression calls a function that does not exist, then it points into the expression', () => {
    const issue = onlyIssue(broken('unknown-function'));
    // `      - when: ` is 14 characters; `frobnicate` starts 20 characters into the expression.
    expect(issue).toMatchObject({ line: 13, column: 15 + 20, path: 'steps[0].cases[0].when' });
    expect(issue.message).toMatch(/calls 'frobnicate'/);
  });

  it('when a wait mistypes workdaysBefore or gives it a double, then the hint names the function or its signature', () => {
    const wait = (until: string) => `${HEAD}  - id: w\n    kind: wait\n    until: ${until}\n`;
    const at = 'timestamp("2025-03-31T09:00:00+03:00")';
    expect(loadDefinition(wait(`workdaysBefore(${at}, 5)`), 'demo.yaml').snapshot.steps.w).toMatchObject({
      kind: 'wait',
    });
    const typo = onlyIssue(wait(`workdayBefore(${at}, 5)`));
    expect(typo).toMatchObject({ line: 12, column: 12, hint: "did you mean 'workdaysBefore'?" });
    expect(typo.message).toMatch(/calls 'workdayBefore'/);
    const double = onlyIssue(wait(`workdaysBefore(${at}, 2.5)`));
    expect(double.hint).toBe('use workdaysBefore(timestamp, int) -> timestamp');
  });

  it('when a form is not valid JSON Schema, then it points at the bad keyword', () => {
    const issue = onlyIssue(broken('invalid-form'));
    expect(issue).toMatchObject({ line: 18, column: 25, path: 'steps[0].form.properties.answer.type' });
    expect(issue.message).toMatch(/the form is not valid JSON Schema/);
    expect(issue.hint).toMatch(/string/);
  });

  it('when a definition with a good and a broken form loads twice, then both loads report the same problem', () => {
    const source = broken('invalid-form').replace(
      '  - id: a\n',
      '  - id: ok\n    kind: task\n    title: T\n    assignee: { category: ENG_I }\n    billable: false\n    form: { type: object }\n  - id: a\n',
    );
    const first = issuesOf(source);
    expect(first).toHaveLength(1);
    expect(issuesOf(source)).toEqual(first);
  });

  it('when several things are wrong, then all are reported, ordered by position', () => {
    const issues = issuesOf(broken('several-problems'));
    expect(issues.map((i) => `${i.line}:${i.column}`)).toEqual(['12:15', '13:20', '13:47', '14:9']);
    expect(issues[0]?.hint).toBe("did you mean 'notify.send'?");
    expect(issues[3]?.message).toMatch(/used twice/);
  });

  it('formats each issue as file:line:column: message', () => {
    try {
      loadDefinition(broken('unknown-kind'), 'demo.yaml');
    } catch (error) {
      expect((error as DefinitionError).message).toContain("demo.yaml:11:11: step 'a': unknown step kind 'aproval'");
      expect((error as DefinitionError).code).toBe('definition-invalid');
    }
  });
});

describe('loadDefinition checks the act lines a step bills on', () => {
  const task = (billing: string, extra = '') =>
    `${HEAD}  - id: day
    kind: task
    title: Day
    assignee: { category: ENG_I }
    norm: { ENG_I: 6 }
    billing: ${billing}
    form:
      type: object
      properties:
        hoursDelivered: { type: number }
        note: { type: string }
${extra}`;

  it('when billing reads hours from numeric form fields, then the step compiles with them', () => {
    const { snapshot } = loadDefinition(task('{ hours: { training-hours: hoursDelivered } }'), 'demo.yaml');
    expect(snapshot.steps.day?.billing).toEqual({ hours: { 'training-hours': 'hoursDelivered' } });
  });

  it('when billing reads hours from a field that is not a number, then it names the field', () => {
    const issue = onlyIssue(task('{ hours: { travel: note } }'));
    expect(issue.message).toBe("step 'day': 'note' is not a numeric field of the task's form");
  });

  it('when a step names an act line but bills nothing, then it says so', () => {
    const source = `${HEAD}  - id: a\n    kind: task\n    title: A\n    assignee: { category: ENG_I }\n    billable: false\n    billing: { line: preparation }\n`;
    expect(onlyIssue(source).message).toBe("step 'a': the step names act lines but bills nothing");
  });
});
