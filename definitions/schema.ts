/**
 * The YAML process-definition language, written once with TypeBox: the static types of a parsed
 * document (`ProcessDefinition`, `StepDefinition`) and the JSON Schema (draft 2020-12) that ajv and
 * editors validate against (`processDefinitionSchema`, committed as
 * `schema/process-definition.schema.json` by `emit-schema.ts`).
 *
 * Structure is checked here; what a schema cannot say (ids resolve, no unbounded loops, expressions
 * compile, durations are in range) is in `semantic-checks.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CATEGORIES } from './model.ts';

export const SCHEMA_ID = 'https://potik.dev/schemas/process-definition.schema.json';

/** Limits that keep a definition small enough to read, validate and run. */
export const DEFINITION_LIMITS = Object.freeze({
  maxSteps: 500,
  maxStepsPerList: 200,
  maxBranches: 16,
  maxCases: 32,
  maxApprovers: 10,
  maxReminders: 10,
  maxTitleLength: 200,
  maxTextLength: 10_000,
  maxExpressionLength: 4000,
  maxSchemaProperties: 200,
  /** Keys and values of the inputs schema and the forms together (each distinct one counted once). */
  maxSchemaNodes: 2000,
  maxNormHours: 10_000,
  maxIterations: 100,
  maxRejections: 20,
  maxForEachItems: 1000,
  maxConcurrency: 32,
});

const L = DEFINITION_LIMITS;
const closed = { additionalProperties: false } as const;

const Id = Type.String({
  pattern: '^[a-z][a-z0-9-]{0,62}$',
  description: 'Lower-case letters, digits and dashes, starting with a letter, at most 63 characters.',
});
const Title = Type.String({ minLength: 1, maxLength: L.maxTitleLength });
const Text = Type.String({ maxLength: L.maxTextLength });
/** A duration such as `90s`, `15m`, `4h`, `3d`, `2w`, or a whole number of milliseconds. */
const Duration = Type.Unsafe<string | number>({
  type: ['string', 'integer'],
  pattern: '^[0-9]{1,7}(ms|s|m|h|d|w)$',
  minimum: 0,
  description: 'A duration such as 90s, 15m, 4h, 3d or 2w, or milliseconds.',
});
/** A CEL expression, bare or wrapped as `${…}`. */
const Expression = Type.String({ minLength: 1, maxLength: L.maxExpressionLength });
/** Any JSON; strings may contain `${…}` expressions. */
const TemplateValue = Type.Unknown({ description: 'Any value; strings may contain ${…} expressions.' });
/** An embedded JSON Schema (checked by compiling it with ajv). */
const EmbeddedSchema = Type.Unsafe<{ type: 'object'; [keyword: string]: unknown }>(
  Type.Object({ type: Type.Literal('object') }, { additionalProperties: true, maxProperties: L.maxSchemaProperties }),
);

const Norm = Type.Object(
  Object.fromEntries(CATEGORIES.map((c) => [c, Type.Optional(Type.Number({ minimum: 0, maximum: L.maxNormHours }))])),
  {
    ...closed,
    minProperties: 1,
    description: 'Norm-hours per qualification category.',
  },
);

const Assignee = Type.Object(
  {
    category: Type.Optional(Type.Union(CATEGORIES.map((c) => Type.Literal(c)))),
    group: Type.Optional(Id),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    role: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('pm'), Type.Literal('lead')])),
  },
  { ...closed, minProperties: 1 },
);

const Goto = Type.Object({ goto: Id }, closed);
const Escalation = Type.Object({ after: Duration, to: Assignee }, closed);
const Reminders = Type.Array(Duration, { maxItems: L.maxReminders });

const FieldName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' });
const Billing = Type.Object(
  {
    line: Type.Optional(Id),
    hours: Type.Optional(
      Type.Record(Id, FieldName, {
        minProperties: 1,
        maxProperties: 10,
        description: 'Task steps: per act line, the numeric result field whose hours are billed instead of the norm.',
      }),
    ),
  },
  { ...closed, minProperties: 1, description: 'The act lines the step bills its work on.' },
);

const NormTimes = Type.String({
  minLength: 1,
  maxLength: L.maxExpressionLength,
  description:
    'CEL over inputs only: how many times the norm is billed and estimated, for norms per unit of a launch parameter (e.g. inputs.datasets); absent, once',
});

/** Fields every step kind may carry. */
const common = {
  id: Id,
  title: Type.Optional(Title),
  next: Type.Optional(Id),
  norm: Type.Optional(Norm),
  normTimes: Type.Optional(NormTimes),
  billing: Type.Optional(Billing),
};
/** Fields of the human step kinds (task, approval). */
const human = {
  instructions: Type.Optional(Text),
  notBefore: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: L.maxExpressionLength,
      description:
        'An expression giving the earliest time (ISO-8601 or timestamp) the step may be completed; earlier completions are refused.',
    }),
  ),
  due: Type.Optional(Duration),
  reminders: Type.Optional(Reminders),
  escalation: Type.Optional(Escalation),
  billable: Type.Optional(
    Type.Boolean({ description: 'Whether the step bills its norm (default: human work in an extended service does).' }),
  ),
};

const Retry = Type.Object(
  {
    maximumAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    initialInterval: Type.Optional(Duration),
    backoffCoefficient: Type.Optional(Type.Number({ minimum: 1, maximum: 10 })),
    maximumInterval: Type.Optional(Duration),
    nonRetryable: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })),
  },
  closed,
);

const Module = Type.Module({
  Step: Type.Union([
    Type.Object(
      {
        ...common,
        kind: Type.Literal('activity'),
        activity: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)+$', maxLength: 100 }),
        input: Type.Optional(TemplateValue),
        timeout: Type.Optional(Duration),
        retry: Type.Optional(Retry),
        heartbeat: Type.Optional(Duration),
        onError: Type.Optional(Goto),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        ...human,
        kind: Type.Literal('task'),
        title: Title,
        assignee: Assignee,
        form: Type.Optional(EmbeddedSchema),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        ...human,
        kind: Type.Literal('approval'),
        approvers: Type.Array(Assignee, { minItems: 1, maxItems: L.maxApprovers }),
        rule: Type.Optional(
          Type.Union([
            Type.Literal('all'),
            Type.Literal('any'),
            Type.Object({ nOf: Type.Integer({ minimum: 1, maximum: L.maxApprovers }) }, closed),
          ]),
        ),
        fourEyes: Type.Optional(Type.Array(Id, { maxItems: 20 })),
        onReject: Type.Optional(Goto),
        maxRejections: Type.Optional(Type.Integer({ minimum: 0, maximum: L.maxRejections })),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        kind: Type.Literal('parallel'),
        branches: Type.Array(Type.Object({ name: Id, steps: Type.Ref('StepList') }, closed), {
          minItems: 2,
          maxItems: L.maxBranches,
        }),
        join: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')])),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        kind: Type.Literal('switch'),
        cases: Type.Array(
          Type.Object(
            {
              when: Expression,
              goto: Id,
              maxIterations: Type.Optional(Type.Integer({ minimum: 1, maximum: L.maxIterations })),
            },
            closed,
          ),
          { minItems: 1, maxItems: L.maxCases },
        ),
        default: Type.Optional(Id),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        kind: Type.Literal('forEach'),
        items: Expression,
        as: Type.Optional(Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,31}$' })),
        concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: L.maxConcurrency })),
        maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: L.maxForEachItems })),
        expectedItems: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: L.maxExpressionLength,
            description:
              'CEL over inputs only: how many items the list is expected to have when it is known only at run time (e.g. inputs.days); estimates price that many turns',
          }),
        ),
        steps: Type.Ref('StepList'),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        kind: Type.Literal('wait'),
        for: Type.Optional(Duration),
        until: Type.Optional(Expression),
      },
      closed,
    ),
    Type.Object(
      {
        ...common,
        kind: Type.Literal('subprocess'),
        definition: Id,
        version: Type.Optional(Type.Integer({ minimum: 1 })),
        input: Type.Optional(TemplateValue),
      },
      closed,
    ),
    Type.Object(
      {
        id: Id,
        title: Type.Optional(Title),
        norm: Type.Optional(Norm),
        normTimes: Type.Optional(NormTimes),
        kind: Type.Literal('fail'),
        reason: Type.String({ minLength: 1, maxLength: 2000 }),
      },
      closed,
    ),
    Type.Object(
      {
        id: Id,
        title: Type.Optional(Title),
        norm: Type.Optional(Norm),
        normTimes: Type.Optional(NormTimes),
        kind: Type.Literal('end'),
      },
      closed,
    ),
  ]),
  StepList: Type.Array(Type.Ref('Step'), { minItems: 1, maxItems: L.maxStepsPerList }),
  ProcessDefinition: Type.Object(
    {
      $schema: Type.Optional(Type.String({ maxLength: 500 })),
      id: Id,
      version: Type.Integer({ minimum: 1 }),
      title: Title,
      description: Type.Optional(Text),
      service: Type.String({ pattern: '^[BX]-[A-Z]{2,12}$', description: 'Service catalog code, e.g. X-IMPORT.' }),
      inputs: EmbeddedSchema,
      steps: Type.Ref('StepList'),
      compensation: Type.Optional(Type.Ref('StepList')),
      sla: Type.Optional(Type.Object({ due: Duration }, closed)),
      quote: Type.Optional(
        Type.Object(
          {
            // How long an estimate stays open for approval before the engagement is cancelled (default 14d).
            validFor: Type.Optional(Duration),
          },
          closed,
        ),
      ),
    },
    closed,
  ),
});

const ProcessDefinitionType = Module.Import('ProcessDefinition');
/** Exported for tools that validate a single step (the editor, tests). */
export const StepSchema = Module.Import('Step');

/** A process definition as parsed from YAML and validated by the schema. */
export type ProcessDefinition = Static<typeof ProcessDefinitionType>;
export type StepDefinition = Static<typeof StepSchema>;
export type StepKindName = StepDefinition['kind'];
export type AssigneeDefinition = Static<typeof Assignee>;
export type DurationValue = string | number;

export const STEP_KINDS: readonly StepKindName[] = [
  'activity',
  'task',
  'approval',
  'parallel',
  'switch',
  'forEach',
  'wait',
  'subprocess',
  'fail',
  'end',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Turns TypeBox's module output into a plain 2020-12 document: `$defs` referenced by JSON pointer,
 * the step union as `oneOf` with a `kind` discriminator (one branch validated, one clear error),
 * and no TypeBox-internal `$id`s.
 */
function toJsonSchema(schema: TSchema): Json {
  const plain = JSON.parse(JSON.stringify(schema)) as { $defs: Record<string, Record<string, Json>> };
  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const anyOf = node.anyOf;
    if (
      Array.isArray(anyOf) &&
      anyOf.every((b) => typeof b === 'object' && b !== null && !Array.isArray(b) && 'const' in b)
    ) {
      // A union of string literals reads (and reports) better as one enum.
      const { anyOf: _, ...rest } = node;
      const base = rewrite(rest) as { [key: string]: Json };
      return { ...base, type: 'string', enum: anyOf.map((b) => (b as { const: Json }).const) };
    }
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue;
      if (key === '$ref' && typeof value === 'string') out[key] = `#/$defs/${value}`;
      else out[key] = rewrite(value);
    }
    return out;
  };
  const defs: { [key: string]: Json } = {};
  for (const [name, def] of Object.entries(plain.$defs)) {
    if (name === 'ProcessDefinition') continue;
    const rewritten = rewrite(def) as { [key: string]: Json };
    if (name === 'Step') {
      defs[name] = {
        type: 'object',
        discriminator: { propertyName: 'kind' },
        required: ['kind'],
        properties: { kind: { type: 'string' } },
        oneOf: rewritten.anyOf ?? [],
      };
    } else {
      defs[name] = rewritten;
    }
  }
  const root = rewrite(plain.$defs.ProcessDefinition ?? {}) as { [key: string]: Json };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Potik process definition',
    ...root,
    $defs: defs,
  };
}

/** The JSON Schema of a process definition, as committed to `schema/process-definition.schema.json`. */
export const processDefinitionSchema: Readonly<Record<string, unknown>> = toJsonSchema(ProcessDefinitionType) as Record<
  string,
  unknown
>;
