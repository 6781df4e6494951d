import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  evaluateExpression,
  evaluateTemplate,
  EXPRESSION_LIMITS,
  ExpressionError,
  expressionReferences,
  type ExpressionContext,
} from './expression.ts';

const ctx: ExpressionContext = {
  inputs: { projectId: 'p-1', days: 3, toleranceM: 0.05, layers: ['pipes', 'nodes'] },
  steps: {
    fit: { status: 'completed', output: { best: { rmsM: 0.031, model: 'helmert2d' } } },
    'tie-points': { status: 'completed', result: { points: [{ id: 'a' }, { id: 'b' }] } },
  },
  entitlement: { basis: 'annual-support' },
  engagement: { id: 'eng-1' },
  locals: { session: { day: 2 } },
};

function failure(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluateExpression', () => {
  it('reads inputs, steps, entitlement, engagement and forEach items', () => {
    expect(evaluateExpression('steps.fit.output.best.rmsM > inputs.toleranceM', ctx)).toBe(false);
    expect(evaluateExpression("size(steps['tie-points'].result.points)", ctx)).toBe(2);
    expect(evaluateExpression('entitlement.basis + "/" + engagement.id', ctx)).toBe('annual-support/eng-1');
    expect(evaluateExpression('session.day', ctx)).toBe(2);
  });

  it('mixes integers and doubles in arithmetic, and returns plain numbers', () => {
    expect(evaluateExpression('inputs.days * 6', ctx)).toBe(18);
    expect(evaluateExpression('inputs.days * 1.5', ctx)).toBe(4.5);
    expect(evaluateExpression('inputs.toleranceM * 2', ctx)).toBe(0.1);
    expect(evaluateExpression('inputs.days == 3.0', ctx)).toBe(true);
    expect(typeof evaluateExpression('1 + 2', ctx)).toBe('number');
  });

  it('returns JSON: lists, maps, timestamps as ISO text', () => {
    expect(evaluateExpression('inputs.layers.map(l, l + "!")', ctx)).toEqual(['pipes!', 'nodes!']);
    expect(evaluateExpression('{"a": 1, "b": [true, null]}', ctx)).toEqual({ a: 1, b: [true, null] });
    expect(evaluateExpression('timestamp("2025-08-31T00:00:00Z") + duration("24h")', ctx)).toBe(
      '2025-09-01T00:00:00.000Z',
    );
  });

  it('rejects results that are not JSON', () => {
    expect(failure(() => evaluateExpression('b"bytes"', ctx)).message).toMatch(/not a JSON value/);
    expect(failure(() => evaluateExpression('duration("1h")', ctx)).message).toMatch(/not a JSON value/);
    expect(failure(() => evaluateExpression('9007199254740993', ctx)).message).toMatch(/too large for JSON/);
  });

  it('gives no access to prototypes, globals or this', () => {
    for (const source of [
      'inputs.constructor',
      'inputs.__proto__',
      'inputs["__proto__"]',
      'inputs.projectId.constructor',
      'steps.fit.constructor.prototype',
    ]) {
      expect(failure(() => evaluateExpression(source, ctx)).code).toBe('expression-failed');
    }
    for (const source of ['this', 'globalThis', 'process.env', 'constructor', 'Function("return 1")()', 'eval("1")']) {
      expect(failure(() => compileExpression(source)).code).toBe('expression-invalid');
    }
  });

  it('fails at run time with a clear error for a missing key or a division by zero', () => {
    expect(failure(() => evaluateExpression('inputs.nope', ctx)).message).toMatch(/No such key: nope/);
    expect(failure(() => evaluateExpression('inputs.days / 0', ctx)).message).toMatch(/division by zero/);
  });

  it('bounds cost: source length, nested comprehensions, result size', () => {
    expect(failure(() => compileExpression('1 + '.repeat(2000) + '1')).message).toMatch(/longer than/);
    expect(failure(() => compileExpression('[1].map(a, [2].map(b, [3].map(c, c)))')).message).toMatch(/nested 3 deep/);
    const big = { inputs: { s: 'x'.repeat(EXPRESSION_LIMITS.maxResultLength) }, steps: {} };
    expect(failure(() => evaluateExpression('[inputs.s, inputs.s]', big)).message).toMatch(/larger than/);
  });

  it('is deterministic: the same expression and data always give the same result', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
        const data = { inputs: { a, b }, steps: {} };
        const source = '[inputs.a + inputs.b, inputs.a * 2.5, inputs.a % inputs.b, string(inputs.a) + "x"]';
        const first = evaluateExpression(source, data);
        expect(evaluateExpression(source, data)).toEqual(first);
        expect(first).toEqual([a + b, a * 2.5, a % b === 0 ? 0 : a % b, `${a}x`]);
      }),
    );
  });
});

describe('workdaysBefore and workdaysAfter', () => {
  const training: ExpressionContext = {
    inputs: { days: 5, half: 2.5 },
    steps: { programme: { status: 'completed', result: { startsAt: '2025-03-31T09:00:00+03:00' } } },
  };

  it('when a start on the Monday after the change to summer time is given, then 5 working days before is the previous Monday at 09:00 Kyiv', () => {
    const source = 'workdaysBefore(timestamp(steps.programme.result.startsAt), inputs.days)';
    expect(evaluateExpression(source, training)).toBe('2025-03-24T07:00:00.000Z');
    expect(evaluateExpression(`workdaysAfter(${source}, 5)`, training)).toBe('2025-03-31T06:00:00.000Z');
    expect(evaluateExpression('workdaysBefore(timestamp("2025-02-15T10:00:00Z"), 0)', training)).toBe(
      '2025-02-15T10:00:00.000Z',
    );
  });

  it('when the count is negative, then evaluation fails naming the function and the other direction', () => {
    const error = failure(() => evaluateExpression('workdaysBefore(timestamp("2025-02-11T07:00:00Z"), -2)', training));
    expect(error.code).toBe('expression-failed');
    expect(error.message).toBe(
      'workdaysBefore counts 0 or more working days, not -2; for the other direction use workdaysAfter',
    );
  });

  it('when the count is not an int, then a literal fails to compile and a value from the data fails to evaluate', () => {
    const literal = failure(() => compileExpression('workdaysBefore(timestamp("2025-02-11T07:00:00Z"), 2.5)'));
    expect(literal.code).toBe('expression-invalid');
    expect(literal.message).toMatch(/no matching overload for 'workdaysBefore\(google\.protobuf\.Timestamp, double\)'/);
    const data = failure(() =>
      evaluateExpression('workdaysAfter(timestamp("2025-02-11T07:00:00Z"), inputs.half)', training),
    );
    expect(data.code).toBe('expression-failed');
    expect(data.message).toMatch(/no matching overload for 'workdaysAfter\(google\.protobuf\.Timestamp, double\)'/);
    expect(failure(() => compileExpression('workdaysBefore("2025-02-11", 5)')).code).toBe('expression-invalid');
  });
});

describe('compileExpression', () => {
  it('refuses unknown functions and variables before anything runs', () => {
    expect(failure(() => compileExpression('frobnicate(1)')).message).toMatch(/frobnicate/);
    expect(failure(() => compileExpression('item.x')).message).toMatch(/Unknown variable: item/);
    expect(compileExpression('item.x', ['item'])).toBeTypeOf('function');
  });
});

describe('evaluateTemplate', () => {
  it('evaluates $expr leaves to values and $concat leaves to text', () => {
    const template = {
      points: { $expr: "steps['tie-points'].result.points" },
      subject: { $concat: ['Project ', { $expr: 'inputs.projectId' }, ', layers ', { $expr: 'inputs.layers' }] },
      fixed: [1, 'two', null],
    };
    expect(evaluateTemplate(template, ctx)).toEqual({
      points: [{ id: 'a' }, { id: 'b' }],
      subject: 'Project p-1, layers ["pipes","nodes"]',
      fixed: [1, 'two', null],
    });
  });
});

describe('expressionReferences', () => {
  it('lists variables with their constant member paths, skipping comprehension variables', () => {
    const refs = expressionReferences(
      "steps['tie-points'].result.points.map(p, p.id + inputs.suffix).size() > 0 && session.day > 1",
      ['session'],
    );
    expect(refs.map((r) => [r.root, ...r.path].join('.'))).toEqual([
      'steps.tie-points.result.points',
      'inputs.suffix',
      'session.day',
    ]);
  });

  it('follows reads inside dynamic indexes', () => {
    const refs = expressionReferences('inputs.layers[inputs.index]');
    expect(refs.map((r) => [r.root, ...r.path].join('.'))).toEqual(['inputs.layers', 'inputs.index']);
  });
});
