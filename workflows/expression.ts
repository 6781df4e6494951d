/**
 * The expression language of definitions: CEL (`@marcbachmann/cel-js`), compiled once per source and
 * evaluated against the engagement's data. This module runs inside Temporal's workflow sandbox, so
 * it imports only cel-js and uses no clock, randomness, Node built-ins or global state beyond caches
 * whose content is a pure function of the source text.
 *
 * Numbers: JSON has one number type, CEL two. Integral values enter CEL as `int`, others as
 * `double`, and mixed `int`/`double` arithmetic and equality are defined (they are not in plain CEL),
 * so `inputs.days * 6` and `steps.fit.output.rmsM * 2` both work whatever the data looks like.
 * Results leave as JSON: ints become numbers (outside the safe range is an error), timestamps become
 * ISO-8601 strings; bytes, durations, optionals and non-finite doubles are rejected.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import type { ConcatNode, ExprNode, JsonValue, Template } from '../definitions/model.ts';
import { shiftWorkingDays } from './working-days.ts';

/** Bounds on what one expression may cost. */
export const EXPRESSION_LIMITS = Object.freeze({
  maxSourceLength: 4000,
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 16,
  /** Nested comprehensions (`map`, `filter`, `all`, …) multiply work by the list sizes. */
  maxComprehensionNesting: 2,
  /** Size of a result as JSON text, in characters. */
  maxResultLength: 512 * 1024,
});

/**
 * Functions this environment adds to CEL's own, by name, with their signatures as a definition
 * author writes them (the loader names them in its hints).
 */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, string>> = Object.freeze({
  workdaysBefore: 'workdaysBefore(timestamp, int) -> timestamp',
  workdaysAfter: 'workdaysAfter(timestamp, int) -> timestamp',
});

/** The variables every expression sees. */
export const EXPRESSION_ROOTS = ['inputs', 'steps', 'entitlement', 'engagement'] as const;

const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...EXPRESSION_ROOTS,
  'cel',
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
  'this',
  'has',
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'list',
  'map',
  'type',
  'dyn',
  'duration',
  'timestamp',
  'null_type',
]);

/** Whether `name` may be used as a forEach item variable. */
export function isValidLocalName(name: string): boolean {
  return /^[a-z][a-zA-Z0-9_]{0,31}$/.test(name) && !RESERVED_NAMES.has(name);
}

/** What a step has produced so far, as expressions see it under `steps.<id>`. */
export interface StepState {
  /** The result a person submitted (task form, approval decision). */
  result?: JsonValue;
  /** What an activity or subprocess returned. */
  output?: JsonValue;
  status: string;
}

export interface ExpressionContext {
  inputs: JsonValue;
  steps: Record<string, StepState>;
  entitlement?: JsonValue;
  engagement?: JsonValue;
  /** forEach item variables in scope, by their `as` name. */
  locals?: Record<string, JsonValue>;
}

/**
 * Thrown when an expression does not compile (`expression-invalid`: a definition bug the loader
 * reports) or fails at run time (`expression-failed`: missing key, division by zero, a result that
 * is not JSON). The interpreter turns it into an ApplicationFailure of the same type name.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    readonly code: 'expression-invalid' | 'expression-failed',
    message: string,
    readonly source: string,
    /** Offset into the source where the problem is, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}

const MAX_ENVIRONMENTS = 32;
const MAX_CACHED_EXPRESSIONS = 2000;

let baseEnvironment: Environment | undefined;
const environments = new Map<string, Environment>();
const compiled = new Map<string, ParseResult>();

function createBaseEnvironment(): Environment {
  const env = new Environment({
    homogeneousAggregateLiterals: false,
    limits: {
      maxAstNodes: EXPRESSION_LIMITS.maxAstNodes,
      maxDepth: EXPRESSION_LIMITS.maxDepth,
      maxListElements: EXPRESSION_LIMITS.maxListElements,
      maxMapEntries: EXPRESSION_LIMITS.maxMapEntries,
      maxCallArguments: EXPRESSION_LIMITS.maxCallArguments,
    },
  })
    .registerVariable('inputs', 'map')
    .registerVariable('steps', 'map')
    .registerVariable('entitlement', 'dyn')
    .registerVariable('engagement', 'dyn');
  const num = (v: unknown): number => Number(v);
  env
    .registerOperator('int + double', (a, b) => num(a) + num(b))
    .registerOperator('double + int', (a, b) => num(a) + num(b))
    .registerOperator('int - double', (a, b) => num(a) - num(b))
    .registerOperator('double - int', (a, b) => num(a) - num(b))
    .registerOperator('int * double', (a, b) => num(a) * num(b))
    .registerOperator('double * int', (a, b) => num(a) * num(b))
    .registerOperator('int / double', (a, b) => num(a) / num(b))
    .registerOperator('double / int', (a, b) => num(a) / num(b))
    .registerOperator('int == double', (a, b) => num(a) === num(b));
  // The same Kyiv wall-clock time n working days (Monday to Friday, holidays not counted) earlier
  // or later; see working-days.ts. A negative n is an error rather than the other direction, so a
  // sign slip in a definition fails loudly instead of moving a reminder past the event.
  env
    .registerFunction(
      'workdaysBefore(google.protobuf.Timestamp, int): google.protobuf.Timestamp',
      (t: Date, n: bigint) => shiftWorkingDays(t, Number(n), -1),
      { description: 'The same Europe/Kyiv wall-clock time n working days (Mon-Fri) earlier' },
    )
    .registerFunction(
      'workdaysAfter(google.protobuf.Timestamp, int): google.protobuf.Timestamp',
      (t: Date, n: bigint) => shiftWorkingDays(t, Number(n), 1),
      { description: 'The same Europe/Kyiv wall-clock time n working days (Mon-Fri) later' },
    );
  return env;
}

function environmentFor(locals: readonly string[]): Environment {
  const key = [...locals].sort().join(',');
  let env = environments.get(key);
  if (env) return env;
  baseEnvironment ??= createBaseEnvironment();
  env = baseEnvironment.clone();
  for (const name of locals) {
    if (!isValidLocalName(name))
      throw new ExpressionError('expression-invalid', `'${name}' cannot name a variable`, '');
    env.registerVariable(name, 'dyn');
  }
  if (environments.size >= MAX_ENVIRONMENTS) environments.clear();
  environments.set(key, env);
  return env;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

function errorOffset(error: unknown): number | undefined {
  const range = (error as { range?: { start?: unknown } } | null)?.range;
  return typeof range?.start === 'number' ? range.start : undefined;
}

/**
 * Parses and type-checks an expression (cached per source and locals). Unknown variables and
 * functions, type errors and exceeded limits throw `ExpressionError('expression-invalid')`.
 */
export function compileExpression(source: string, locals: readonly string[] = []): ParseResult {
  const key = `${locals.join(',')}|${source}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  if (source.length > EXPRESSION_LIMITS.maxSourceLength) {
    throw new ExpressionError(
      'expression-invalid',
      `expression is longer than ${EXPRESSION_LIMITS.maxSourceLength} characters`,
      source,
    );
  }
  if (source.trim() === '') throw new ExpressionError('expression-invalid', 'expression is empty', source);
  const env = environmentFor(locals);
  let parsed: ParseResult;
  try {
    parsed = env.parse(source);
  } catch (error) {
    throw new ExpressionError('expression-invalid', firstLine((error as Error).message), source, errorOffset(error));
  }
  const nesting = comprehensionNesting(parsed.ast);
  if (nesting > EXPRESSION_LIMITS.maxComprehensionNesting) {
    throw new ExpressionError(
      'expression-invalid',
      `comprehensions (map, filter, all, exists) are nested ${nesting} deep; at most ${EXPRESSION_LIMITS.maxComprehensionNesting} are allowed`,
      source,
    );
  }
  const check = parsed.check();
  if (!check.valid) {
    const message = check.error ? firstLine(check.error.message) : 'expression does not type-check';
    throw new ExpressionError('expression-invalid', message, source, errorOffset(check.error));
  }
  if (compiled.size >= MAX_CACHED_EXPRESSIONS) compiled.clear();
  compiled.set(key, parsed);
  return parsed;
}

/** Evaluates a CEL expression to a JSON value. */
export function evaluateExpression(source: string, context: ExpressionContext): JsonValue {
  const locals = context.locals ?? {};
  const program = compileExpression(source, Object.keys(locals));
  const activation: Record<string, unknown> = {
    inputs: toCel(context.inputs ?? {}),
    steps: toCel(context.steps as unknown as JsonValue),
    entitlement: toCel(context.entitlement ?? null),
    engagement: toCel(context.engagement ?? null),
  };
  for (const [name, value] of Object.entries(locals)) activation[name] = toCel(value);
  let value: unknown;
  try {
    value = program(activation);
  } catch (error) {
    throw new ExpressionError('expression-failed', firstLine((error as Error).message), source, errorOffset(error));
  }
  if (value instanceof Promise) throw new ExpressionError('expression-failed', 'expression is asynchronous', source);
  const budget = { left: EXPRESSION_LIMITS.maxResultLength };
  return fromCel(value, source, budget, 0);
}

/** Evaluates a template: `$expr` leaves become their values, `$concat` leaves become text. */
export function evaluateTemplate(template: Template, context: ExpressionContext): JsonValue {
  if (template === null || typeof template !== 'object') return template;
  if (Array.isArray(template)) return template.map((t) => evaluateTemplate(t, context));
  if (isExprNode(template)) return evaluateExpression(template.$expr, context);
  if (isConcatNode(template)) {
    let text = '';
    for (const part of template.$concat) {
      text += typeof part === 'string' ? part : textOf(evaluateExpression(part.$expr, context));
      if (text.length > EXPRESSION_LIMITS.maxResultLength) {
        throw new ExpressionError(
          'expression-failed',
          'interpolated text is too long',
          typeof part === 'string' ? part : part.$expr,
        );
      }
    }
    return text;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(template)) out[key] = evaluateTemplate(value, context);
  return out;
}

export function isExprNode(value: unknown): value is ExprNode {
  return typeof value === 'object' && value !== null && typeof (value as ExprNode).$expr === 'string';
}

export function isConcatNode(value: unknown): value is ConcatNode {
  return typeof value === 'object' && value !== null && Array.isArray((value as ConcatNode).$concat);
}

function textOf(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return JSON.stringify(value);
}

/** JSON → CEL values: integral numbers become `int`, objects lose their prototype. */
function toCel(value: JsonValue | undefined): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCel);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) out[key] = toCel(v);
  }
  return out;
}

function fail(source: string, message: string): never {
  throw new ExpressionError('expression-failed', message, source);
}

function fromCel(value: unknown, source: string, budget: { left: number }, depth: number): JsonValue {
  if (depth > 64) fail(source, 'result is nested too deeply');
  if ((budget.left -= 8) < 0) fail(source, `result is larger than ${EXPRESSION_LIMITS.maxResultLength} characters`);
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      if ((budget.left -= value.length) < 0) {
        fail(source, `result is larger than ${EXPRESSION_LIMITS.maxResultLength} characters`);
      }
      return value;
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        fail(source, `the integer ${value} is too large for JSON`);
      }
      return Number(value);
    case 'number':
      if (!Number.isFinite(value)) fail(source, `the number ${value} is not valid JSON`);
      return Object.is(value, -0) ? 0 : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((v) => fromCel(v, source, budget, depth + 1));
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Map) {
        const out: { [key: string]: JsonValue } = {};
        for (const [k, v] of value) {
          if (typeof k !== 'string') fail(source, 'a map in the result has a key that is not a string');
          out[k] = fromCel(v, source, budget, depth + 1);
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) {
        const out: { [key: string]: JsonValue } = {};
        for (const [k, v] of Object.entries(value)) out[k] = fromCel(v, source, budget, depth + 1);
        return out;
      }
      const typeName = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      if (typeName === 'UnsignedInt') return fromCel(BigInt(String(value)), source, budget, depth);
      return fail(source, `the result contains a ${typeName}, which is not a JSON value`);
    }
    default:
      return fail(source, `the result contains a ${typeof value}, which is not a JSON value`);
  }
}

/** A variable an expression reads, with the constant member path that follows it. */
export interface ExpressionReference {
  /** `inputs`, `steps`, `entitlement`, `engagement` or a forEach item variable. */
  root: string;
  /** Member names read in order: `steps.fit.output.best` → ['fit', 'output', 'best']. */
  path: string[];
  /** Offset of the reference in the source. */
  offset: number;
}

const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * Lists the variables an expression reads and the member paths after them (`a.b`, `a["b"]`), so a
 * loader can check them against step ids and the inputs schema. Comprehension variables are not
 * references.
 */
export function expressionReferences(source: string, locals: readonly string[] = []): ExpressionReference[] {
  const { ast } = compileExpression(source, locals);
  const found: ExpressionReference[] = [];
  walk(ast, new Set(), found);
  return found.sort((a, b) => a.offset - b.offset);
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

function memberChain(node: ASTNode): { root: ASTNode; path: string[] } {
  const path: string[] = [];
  let current: ASTNode = node;
  for (;;) {
    if (current.op === '.' || current.op === '.?') {
      const [object, name] = current.args;
      path.unshift(name);
      current = object;
    } else if (current.op === '[]' || current.op === '[?]') {
      const [object, index] = current.args;
      if (index.op === 'value' && typeof index.args === 'string') {
        path.unshift(index.args);
        current = object;
      } else {
        return { root: current, path: [] };
      }
    } else {
      return { root: current, path };
    }
  }
}

function walk(node: ASTNode, bound: ReadonlySet<string>, found: ExpressionReference[]): void {
  if (node.op === 'id') {
    if (!bound.has(node.args)) found.push({ root: node.args, path: [], offset: node.start });
    return;
  }
  if (node.op === '.' || node.op === '.?' || node.op === '[]' || node.op === '[?]') {
    const { root, path } = memberChain(node);
    if (root.op === 'id' && path.length > 0) {
      if (!bound.has(root.args)) found.push({ root: root.args, path, offset: root.start });
      // Dynamic indexes inside the chain still read variables.
      visitIndexes(node, root, bound, found);
      return;
    }
  }
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args;
    const first = args[0];
    if (
      name === 'bind' &&
      receiver.op === 'id' &&
      receiver.args === 'cel' &&
      first?.op === 'id' &&
      args[1] &&
      args[2]
    ) {
      walk(args[1], bound, found);
      walk(args[2], new Set(bound).add(first.args), found);
      return;
    }
    walk(receiver, bound, found);
    if (COMPREHENSIONS.has(name) && first?.op === 'id') {
      const inner = new Set(bound).add(first.args);
      for (const arg of args.slice(1)) walk(arg, inner, found);
      return;
    }
    for (const arg of args) walk(arg, bound, found);
    return;
  }
  const args: unknown = node.args;
  visitAny(args, bound, found);
}

function visitAny(value: unknown, bound: ReadonlySet<string>, found: ExpressionReference[]): void {
  if (isNode(value)) walk(value, bound, found);
  else if (Array.isArray(value)) for (const v of value) visitAny(v, bound, found);
}

function visitIndexes(node: ASTNode, root: ASTNode, bound: ReadonlySet<string>, found: ExpressionReference[]): void {
  let current: ASTNode = node;
  while (current !== root) {
    if (current.op === '.' || current.op === '.?') current = current.args[0];
    else if (current.op === '[]' || current.op === '[?]') {
      if (current.args[1].op !== 'value') walk(current.args[1], bound, found);
      current = current.args[0];
    } else return;
  }
}

function comprehensionNesting(node: unknown): number {
  if (Array.isArray(node)) return Math.max(0, ...node.map(comprehensionNesting));
  if (!isNode(node)) return 0;
  const own = node.op === 'rcall' && COMPREHENSIONS.has(node.args[0]) ? 1 : 0;
  return own + comprehensionNesting(node.args as unknown);
}
