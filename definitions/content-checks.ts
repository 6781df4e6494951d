/**
 * Checks on what steps say (activity names and subprocesses are offer-checks.ts): service code, norms and billing, durations,
 * expressions (compile, and name only existing steps and inputs), and embedded JSON Schemas.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
  compileExpression,
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  expressionReferences,
  isValidLocalName,
} from '../workflows/expression.ts';
import type { CheckContext } from './check-context.ts';
import type { StepSite } from './definition-walk.ts';
import { MAX_DURATION_MS, parseDuration } from './duration.ts';
import type { JsonValue } from './model.ts';
import { DEFINITION_LIMITS, type StepDefinition } from './schema.ts';
import { isServiceCode, SERVICE_CODES } from './services.ts';
import { didYouMean } from './suggest.ts';
import {
  bareExpression,
  templateExpressions,
  TemplateSyntaxError,
  type ExpressionSite,
} from '../workflows/template.ts';
import type { PathSegment } from './yaml-document.ts';

const CEL_FUNCTIONS = 'size contains startsWith endsWith matches has int double string timestamp duration'.split(' ');
const FUNCTION_NAMES = [...CEL_FUNCTIONS, ...Object.keys(EXPRESSION_FUNCTIONS)];
const LIST_MACROS = ['all', 'exists', 'map', 'filter'];
const FUNCTIONS_HINT = `CEL functions include ${FUNCTION_NAMES.join(', ')}, and list macros ${LIST_MACROS.join(', ')}`;

/** What to tell the author of a call that matches no function: its signature, a near name, or the list. */
function functionHint(name: string): string {
  const signature = EXPRESSION_FUNCTIONS[name];
  if (signature !== undefined) return `use ${signature}`;
  return didYouMean(name, [...FUNCTION_NAMES, ...LIST_MACROS]) ?? FUNCTIONS_HINT;
}

export function checkContent(ctx: CheckContext): void {
  const { definition } = ctx;
  if (!isServiceCode(definition.service)) {
    ctx.report(
      ['service'],
      `'${definition.service}' is not a service of the catalog`,
      didYouMean(definition.service, SERVICE_CODES) ?? `use one of ${SERVICE_CODES.join(', ')}`,
    );
  }
  checkSchemas(ctx);
  if (definition.sla) checkDuration(ctx, ['sla', 'due'], definition.sla.due);
  if (definition.quote?.validFor !== undefined) checkDuration(ctx, ['quote', 'validFor'], definition.quote.validFor);
  const stepIds = new Set(ctx.layout.sites.map((s) => s.step.id));
  for (const site of ctx.layout.sites) {
    checkStep(ctx, site, stepIds);
  }
}

/** Whether a human step bills its norm when nothing says otherwise. */
export function billsByDefault(step: StepDefinition): boolean {
  if (step.kind === 'task') return step.assignee.role !== 'customer' || step.norm !== undefined;
  return step.norm !== undefined;
}

/**
 * `billing` needs a norm (the estimate, and the category when the performer has none); `hours` reads
 * numeric fields of a task's form.
 */
function checkBilling(ctx: CheckContext, site: StepSite): void {
  const { step, path } = site;
  if (!('billing' in step) || step.billing === undefined) return;
  const billable = step.kind === 'task' || step.kind === 'approval' ? (step.billable ?? billsByDefault(step)) : true;
  if (step.norm === undefined || !billable) {
    ctx.report([...path, 'billing'], 'the step names act lines but bills nothing', 'add a norm, or remove billing');
  }
  if (step.billing.hours === undefined) return;
  if (step.kind !== 'task') {
    ctx.report([...path, 'billing', 'hours'], 'only a task has a result to read hours from', 'use billing.line');
    return;
  }
  if (step.billing.line !== undefined) {
    ctx.report([...path, 'billing', 'line'], 'billing.hours names the lines itself', 'remove billing.line');
  }
  const properties = (step.form as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {};
  for (const [line, field] of Object.entries(step.billing.hours as Record<string, string>)) {
    const type = properties[field]?.type;
    if (type !== 'number' && type !== 'integer') {
      ctx.report(
        [...path, 'billing', 'hours', line],
        `'${field}' is not a numeric field of the task's form`,
        didYouMean(field, Object.keys(properties)) ?? 'add it to form.properties with type: number',
      );
    }
  }
}

/**
 * Figures an estimate needs before the engagement runs (`expectedItems`, `normTimes`) may read only
 * the launch inputs, so the estimate and the bill count the same repeats.
 */
function checkReadsOnlyInputs(ctx: CheckContext, fieldPath: PathSegment[], text: string, example: string): void {
  let roots: string[] = [];
  try {
    roots = expressionReferences(bareExpression(text).source).map((ref) => ref.root);
  } catch {
    // a malformed expression is reported by checkExpressionText
  }
  if (roots.some((root) => root !== 'inputs')) {
    const field = String(fieldPath[fieldPath.length - 1]);
    ctx.report(
      fieldPath,
      `${field} may read only inputs: it is evaluated before the engagement runs`,
      `size it by a launch parameter, e.g. ${example}`,
    );
  }
}

/** `normTimes` multiplies the step's norm by a figure of the launch inputs. */
function checkNormTimes(
  ctx: CheckContext,
  site: StepSite,
  expr: (p: PathSegment[], t: string, tpl: boolean) => void,
): void {
  const { step, path } = site;
  if (step.normTimes === undefined) return;
  const fieldPath = [...path, 'normTimes'];
  if (step.norm === undefined) {
    ctx.report(fieldPath, 'normTimes multiplies the norm, but the step has none', 'add a norm, or remove normTimes');
    return;
  }
  expr(fieldPath, step.normTimes, false);
  checkReadsOnlyInputs(ctx, fieldPath, step.normTimes, 'inputs.datasets');
}

function checkStep(ctx: CheckContext, site: StepSite, stepIds: ReadonlySet<string>): void {
  const { step, path } = site;
  checkBilling(ctx, site);
  const expr = (fieldPath: PathSegment[], text: string, template: boolean): void =>
    checkExpressionText(ctx, fieldPath, text, template, site.sequence.locals, stepIds);
  checkNormTimes(ctx, site, expr);
  switch (step.kind) {
    case 'activity': {
      for (const field of ['timeout', 'heartbeat'] as const) {
        if (step[field] !== undefined) checkDuration(ctx, [...path, field], step[field]);
      }
      if (step.retry?.initialInterval !== undefined)
        checkDuration(ctx, [...path, 'retry', 'initialInterval'], step.retry.initialInterval);
      if (step.retry?.maximumInterval !== undefined)
        checkDuration(ctx, [...path, 'retry', 'maximumInterval'], step.retry.maximumInterval);
      checkTemplate(ctx, [...path, 'input'], step.input as JsonValue | undefined, expr);
      break;
    }
    case 'task':
    case 'approval': {
      if (step.title !== undefined) expr([...path, 'title'], step.title, true);
      if (step.instructions !== undefined) expr([...path, 'instructions'], step.instructions, true);
      if (step.notBefore !== undefined) expr([...path, 'notBefore'], step.notBefore, false);
      if (step.due !== undefined) checkDuration(ctx, [...path, 'due'], step.due);
      step.reminders?.forEach((r, i) => checkDuration(ctx, [...path, 'reminders', i], r));
      if (step.escalation) checkDuration(ctx, [...path, 'escalation', 'after'], step.escalation.after);
      const billable = step.billable ?? billsByDefault(step);
      if (billable && step.norm === undefined) {
        ctx.report(
          [...path, 'id'],
          'the step bills work but has no norm',
          `add norm: { ${step.kind === 'task' ? (step.assignee.category ?? 'ENG_I') : 'LEAD'}: <hours> }, or billable: false`,
        );
      }
      if (step.billable === false && step.norm !== undefined) {
        ctx.report(
          [...path, 'norm'],
          'the step has a norm but billable: false',
          'remove the norm, or the billable: false',
        );
      }
      if (step.kind === 'approval' && typeof step.rule === 'object' && step.rule.nOf > step.approvers.length) {
        ctx.report(
          [...path, 'rule', 'nOf'],
          `${step.rule.nOf} approvals are required but only ${step.approvers.length} approvers are named`,
          'lower nOf or add approvers',
        );
      }
      break;
    }
    case 'switch':
      step.cases.forEach((c, i) => expr([...path, 'cases', i, 'when'], c.when, false));
      break;
    case 'forEach':
      expr([...path, 'items'], step.items, false);
      if (step.expectedItems !== undefined) {
        expr([...path, 'expectedItems'], step.expectedItems, false);
        checkReadsOnlyInputs(ctx, [...path, 'expectedItems'], step.expectedItems, 'inputs.days');
      }
      if (step.as !== undefined && !isValidLocalName(step.as)) {
        ctx.report(
          [...path, 'as'],
          `'${step.as}' cannot name the item`,
          'choose a word that is not inputs, steps, entitlement, engagement or a CEL keyword',
        );
      } else if (step.as !== undefined && site.sequence.locals.includes(step.as)) {
        ctx.report(
          [...path, 'as'],
          `'${step.as}' already names the item of an enclosing forEach`,
          'choose another name',
        );
      }
      break;
    case 'wait':
      if ((step.for === undefined) === (step.until === undefined)) {
        ctx.report(
          [...path, 'id'],
          'a wait needs either for (a duration) or until (an expression), not both or neither',
        );
      }
      if (step.for !== undefined) checkDuration(ctx, [...path, 'for'], step.for);
      if (step.until !== undefined) expr([...path, 'until'], step.until, false);
      break;
    case 'subprocess':
      checkTemplate(ctx, [...path, 'input'], step.input as JsonValue | undefined, expr);
      break;
    case 'fail':
      expr([...path, 'reason'], step.reason, true);
      break;
    default:
      break;
  }
}

function checkDuration(ctx: CheckContext, path: PathSegment[], value: string | number): void {
  const ms = parseDuration(value);
  if (ms === undefined)
    ctx.report(path, `${JSON.stringify(value)} is not a duration`, 'write e.g. 90s, 15m, 4h, 3d or 2w');
  else if (ms > MAX_DURATION_MS) ctx.report(path, `${JSON.stringify(value)} is longer than a year`, 'use at most 366d');
}

function checkTemplate(
  ctx: CheckContext,
  path: PathSegment[],
  value: JsonValue | undefined,
  expr: (path: PathSegment[], text: string, template: boolean) => void,
): void {
  if (typeof value === 'string') expr(path, value, true);
  else if (Array.isArray(value)) value.forEach((v, i) => checkTemplate(ctx, [...path, i], v, expr));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('$')) {
        ctx.report([...path, key], `keys starting with '$' are reserved`, 'rename the key', { key: true });
      }
      checkTemplate(ctx, [...path, key], v, expr);
    }
  }
}

function checkExpressionText(
  ctx: CheckContext,
  path: PathSegment[],
  text: string,
  template: boolean,
  locals: string[],
  stepIds: ReadonlySet<string>,
): void {
  let sites: ExpressionSite[];
  try {
    sites = template ? templateExpressions(text) : [bareExpression(text)];
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    ctx.report(path, error.message, 'close each ${ with }', { offset: error.offset });
    return;
  }
  for (const site of sites) {
    try {
      compileExpression(site.source, locals);
      checkReferences(ctx, path, site, locals, stepIds);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      const unknownFunction = /no matching overload for '([A-Za-z_][\w.]*)\(/.exec(error.message);
      const unknownVariable = /Unknown variable: (\w+)/.exec(error.message);
      const hint = unknownFunction
        ? functionHint(unknownFunction[1] ?? '')
        : unknownVariable
          ? `expressions see inputs, steps, entitlement, engagement${locals.length ? `, ${locals.join(', ')}` : ''}`
          : undefined;
      const message = unknownFunction
        ? `the expression calls '${unknownFunction[1]}', which is not a function with those arguments`
        : unknownVariable
          ? `the expression reads '${unknownVariable[1]}', which is not defined here`
          : `the expression is not valid: ${error.message}`;
      ctx.report(path, message, hint, { offset: site.offset + (error.offset ?? 0) });
    }
  }
}

function checkReferences(
  ctx: CheckContext,
  path: PathSegment[],
  site: ExpressionSite,
  locals: string[],
  stepIds: ReadonlySet<string>,
): void {
  for (const ref of expressionReferences(site.source, locals)) {
    const at = { offset: site.offset + ref.offset };
    if (ref.root === 'steps') {
      const [id, part] = ref.path;
      if (id !== undefined && !stepIds.has(id)) {
        ctx.report(path, `the expression reads steps.${id}, but there is no step '${id}'`, didYouMean(id, stepIds), at);
      } else if (part !== undefined && !['result', 'output', 'status'].includes(part)) {
        ctx.report(
          path,
          `the expression reads steps.${id}.${part}; a step has result, output and status`,
          didYouMean(part, ['result', 'output', 'status']),
          at,
        );
      }
    } else if (ref.root === 'inputs' && ref.path.length > 0) {
      const missing = missingInput(ctx.definition.inputs as JsonValue, ref.path);
      if (missing) {
        ctx.report(
          path,
          `the expression reads inputs.${missing.join('.')}, which the inputs schema does not define`,
          (missing.length === 1
            ? didYouMean(missing[0] ?? '', inputNames(ctx.definition.inputs as JsonValue))
            : undefined) ?? 'add it under inputs.properties, or fix the name',
          at,
        );
      }
    }
  }
}

function inputNames(schema: JsonValue): string[] {
  const properties = schema && typeof schema === 'object' && !Array.isArray(schema) ? schema.properties : undefined;
  return properties && typeof properties === 'object' && !Array.isArray(properties) ? Object.keys(properties) : [];
}

/** The first prefix of `path` that the schema rules out, where the schema says enough to tell. */
function missingInput(schema: JsonValue, path: string[]): string[] | undefined {
  let current: JsonValue | undefined = schema;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    const properties: JsonValue | undefined = current.properties;
    if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) return undefined;
    if (current.additionalProperties !== undefined && current.additionalProperties !== false) return undefined;
    if (current.patternProperties !== undefined) return undefined;
    const key = path[i] as string;
    if (!Object.prototype.hasOwnProperty.call(properties, key)) return path.slice(0, i + 1);
    current = properties[key];
  }
  return undefined;
}

let schemaAjv: Ajv2020 | undefined;

/**
 * Schemas (as JSON text) that validated and compiled before. Compiling generates code and is most
 * of a definition's load time, so a warm load of the same forms skips it; bounded, oldest out.
 */
const knownGoodSchemas = new Set<string>();
const MAX_KNOWN_GOOD_SCHEMAS = 1000;

function rememberGoodSchema(key: string): void {
  if (knownGoodSchemas.size >= MAX_KNOWN_GOOD_SCHEMAS) {
    const oldest = knownGoodSchemas.values().next().value;
    if (oldest !== undefined) knownGoodSchemas.delete(oldest);
  }
  knownGoodSchemas.add(key);
}

/** Keys, values and items of a JSON value. */
function nodeCount(value: JsonValue): number {
  let count = 0;
  const pending: JsonValue[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    count++;
    if (next === null || typeof next !== 'object') continue;
    const children = Array.isArray(next) ? next : Object.values(next);
    if (!Array.isArray(next)) count += children.length;
    for (const child of children) pending.push(child);
  }
  return count;
}

/**
 * The inputs schema and every task form, compiled by ajv. Compiling costs time per node, so the
 * distinct schemas of a definition together may hold DEFINITION_LIMITS.maxSchemaNodes keys and
 * values; beyond it none is compiled and the one that crosses the limit is named.
 */
function checkSchemas(ctx: CheckContext): void {
  const schemas: { path: PathSegment[]; schema: JsonValue; what: string; key: string }[] = [];
  const add = (path: PathSegment[], schema: JsonValue, what: string): void => {
    schemas.push({ path, schema, what, key: JSON.stringify(schema) });
  };
  add(['inputs'], ctx.definition.inputs as JsonValue, 'the inputs schema');
  for (const { step, path } of ctx.layout.sites) {
    if (step.kind === 'task' && step.form) add([...path, 'form'], step.form as JsonValue, 'the form');
  }
  const counted = new Set<string>();
  let nodes = 0;
  for (const { path, schema, what, key } of schemas) {
    if (counted.has(key)) continue;
    counted.add(key);
    nodes += nodeCount(schema);
    if (nodes > DEFINITION_LIMITS.maxSchemaNodes) {
      ctx.report(
        path,
        `the inputs schema and the forms hold more than ${DEFINITION_LIMITS.maxSchemaNodes} keys and values together; ${what} here passes that`,
        'keep forms to the fields an engineer fills in; split the process into subprocesses',
      );
      return;
    }
  }
  for (const { path, schema, what, key } of schemas) checkSchema(ctx, path, schema, what, key);
}

function checkSchema(ctx: CheckContext, path: PathSegment[], schema: JsonValue, what: string, key: string): void {
  if (knownGoodSchemas.has(key)) return;
  schemaAjv ??= addFormats.default(new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }));
  const ajv = schemaAjv;
  if (!ajv.validateSchema(schema as object)) {
    // One message per location: an enum says the most, anyOf/type echoes say the least.
    const rank = (keyword: string): number => (keyword === 'enum' ? 0 : keyword === 'anyOf' ? 2 : 1);
    const byPath = new Map<string, ErrorObject>();
    for (const error of ajv.errors ?? []) {
      const kept = byPath.get(error.instancePath);
      if (!kept || rank(error.keyword) < rank(kept.keyword)) byPath.set(error.instancePath, error);
    }
    for (const error of byPath.values()) {
      const inner =
        error.instancePath === ''
          ? []
          : error.instancePath
              .slice(1)
              .split('/')
              .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const segments: PathSegment[] = inner.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
      ctx.report(
        [...path, ...segments],
        `${what} is not valid JSON Schema: ${inner.length ? `'${inner.join('.')}' ` : ''}${error.message ?? 'is invalid'}`,
        allowed ? `use one of ${allowed.map(String).join(', ')}` : undefined,
      );
    }
    return;
  }
  try {
    ajv.compile(schema as object);
    ajv.removeSchema(schema as object);
    rememberGoodSchema(key);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    const keyword = /unknown keyword: "([^"]+)"/.exec(message);
    ctx.report(
      path,
      `${what} is not valid JSON Schema: ${keyword ? `'${keyword[1]}' is not a JSON Schema keyword` : message}`,
      keyword
        ? didYouMean(keyword[1] ?? '', [
            'required',
            'properties',
            'type',
            'items',
            'enum',
            'description',
            'title',
            'default',
            'minimum',
            'maximum',
            'format',
            'pattern',
            'minLength',
            'maxLength',
            'minItems',
            'maxItems',
            'additionalProperties',
          ])
        : undefined,
    );
  }
}
