/**
 * Workstation functions (X-WS, docs/workstations.md): what a dispatcher, a network engineer, a
 * billing operator or a viewer may do in a project's tables, as data — table privileges, column
 * privileges, and the districts whose rows they see. Each function is one PostgreSQL role per
 * database and project. Pure: checking a matrix and naming its roles.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { sha256Hex } from '../../lib/hash.ts';

export const PRIVILEGES = ['select', 'insert', 'update', 'delete'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

/** The project tables a function may be given (docs/project-schema.md, docs/schema-change.md). */
export const ACCESS_TABLES = [
  'crs',
  'layers',
  'dictionaries',
  'features',
  'nodes',
  'sections',
  'passports',
  'class_attributes',
] as const;
export type AccessTable = (typeof ACCESS_TABLES)[number];

/** Tables whose rows belong to a district (`features.attributes.district`; nodes and sections through their feature). */
export const DISTRICT_TABLES: readonly AccessTable[] = ['features', 'nodes', 'sections'];

export interface WorkstationFunction {
  /** e.g. `dispatcher`; lower case, digits and `_`. */
  name: string;
  title?: string;
  /** The districts whose rows the function sees and writes; absent or null: every district. */
  districts?: string[] | null;
  /** Privileges on whole tables. */
  tables?: Partial<Record<AccessTable, Privilege[]>>;
  /** Privileges on single columns (select and update), beyond the whole tables. */
  columns?: Partial<Record<AccessTable, { select?: string[]; update?: string[] }>>;
  /** Login roles that work at this function (granted its role). */
  members?: string[];
}

/** The standard functions, offered as the access-rules form's starting point. */
export const STANDARD_FUNCTIONS: readonly WorkstationFunction[] = [
  {
    name: 'dispatcher',
    title: 'Dispatcher: sees the network, switches valves (node kind)',
    tables: { features: ['select'], nodes: ['select'], sections: ['select'], dictionaries: ['select'] },
    columns: { nodes: { update: ['kind'] } },
  },
  {
    name: 'network_engineer',
    title: 'Network engineer: edits the network of the districts given',
    tables: {
      features: ['select', 'insert', 'update', 'delete'],
      nodes: ['select', 'insert', 'update', 'delete'],
      sections: ['select', 'insert', 'update', 'delete'],
      passports: ['select', 'insert', 'update'],
      dictionaries: ['select'],
      layers: ['select'],
    },
  },
  {
    name: 'billing_operator',
    title: 'Billing operator: reads consumers and their loads',
    tables: { dictionaries: ['select'] },
    columns: { nodes: { select: ['id', 'kind', 'load'] } },
  },
  {
    name: 'viewer',
    title: 'Viewer: reads the map',
    tables: { features: ['select'], layers: ['select'], dictionaries: ['select'] },
  },
];

const NAME = '^[a-z][a-z0-9_]{0,30}$';
const PRIVILEGE_LIST = { type: 'array', uniqueItems: true, items: { enum: PRIVILEGES } };
const COLUMN_LIST = { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' } };

/** The JSON Schema of a function matrix (the access-rules form carries the same). */
export const FUNCTIONS_SCHEMA = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: NAME },
      title: { type: 'string' },
      districts: { type: ['array', 'null'], items: { type: 'string', minLength: 1 }, uniqueItems: true },
      tables: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(ACCESS_TABLES.map((t) => [t, PRIVILEGE_LIST])),
      },
      columns: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          ACCESS_TABLES.map((t) => [
            t,
            {
              type: 'object',
              additionalProperties: false,
              properties: { select: COLUMN_LIST, update: COLUMN_LIST },
            },
          ]),
        ),
      },
      members: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z_][a-z0-9_.-]{0,62}$' } },
    },
  },
} as const;

const validateShape = new Ajv2020({ strict: false }).compile(FUNCTIONS_SCHEMA);

/** A function matrix that cannot be applied, with where in it. */
export class FunctionsInvalid extends Error {}

/** Checks a function matrix; throws FunctionsInvalid naming the first problem. */
export function parseFunctions(value: unknown): WorkstationFunction[] {
  if (!validateShape(value)) {
    const error = validateShape.errors![0]!;
    throw new FunctionsInvalid(`functions${error.instancePath.replaceAll('/', '.')}: ${error.message ?? 'invalid'}`);
  }
  const functions = value as unknown as WorkstationFunction[];
  const seen = new Set<string>();
  functions.forEach((f, i) => {
    if (seen.has(f.name)) throw new FunctionsInvalid(`functions.${i}.name: function ${f.name} comes twice`);
    seen.add(f.name);
    // A district policy on nodes or sections looks up the feature, which the function must be able to read.
    const needsFeatures = ['nodes', 'sections'].some((t) => touches(f, t as AccessTable));
    if (f.districts && needsFeatures && !(f.tables?.features ?? []).includes('select')) {
      throw new FunctionsInvalid(
        `functions.${i}.tables.features: ${f.name} is limited to districts and works on nodes or sections, so it needs select on features`,
      );
    }
  });
  return functions;
}

/** Whether the function has any privilege on a table, whole or by column. */
export function touches(f: WorkstationFunction, table: AccessTable): boolean {
  const columns = f.columns?.[table];
  return (
    (f.tables?.[table]?.length ?? 0) > 0 || (columns?.select?.length ?? 0) > 0 || (columns?.update?.length ?? 0) > 0
  );
}

/**
 * The role prefix of a project in a database: roles are cluster-wide, so two databases (or two
 * test databases side by side) never share one.
 */
export function rolePrefix(database: string, schema: string): string {
  return `ws_${sha256Hex(`${database}/${schema}`).slice(0, 8)}_`;
}
