/**
 * The JSON Schema of an exchange spec (docs/exchange.md): what is read, how it is written, where it
 * goes, how files are named and when it runs. Credentials are never part of the document: a
 * destination names them (`credentials: BILLING_SFTP`) and the configuration holds them.
 */
const closed = { additionalProperties: false } as const;

const Name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' } as const;
const NormHours = {
  type: 'object',
  ...closed,
  minProperties: 1,
  propertyNames: { enum: ['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'] },
  additionalProperties: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
} as const;

const source = {
  type: 'object',
  required: ['kind'],
  ...closed,
  properties: {
    kind: {
      enum: ['consumers', 'objects', 'readings'],
      description:
        'consumers: consumer nodes with their loads; objects: objects of the named classes with attributes; readings: readings received',
    },
    projectId: { type: 'string', minLength: 1, maxLength: 100, description: 'The project read (or written, for in)' },
    classes: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 63 },
      description: 'objects: the object classes (layer codes) read',
    },
    attributes: {
      type: 'array',
      maxItems: 200,
      items: { type: 'string', minLength: 1, maxLength: 63 },
      description: 'objects and consumers: the attributes written as columns, in this order',
    },
    changes: {
      enum: ['all', 'sinceLastRun'],
      description: 'readings: all of them, or those received since the run of the previous period',
    },
    quantity: { type: 'string', minLength: 1, maxLength: 63, description: 'in: the quantity of the readings read' },
  },
} as const;

const format = {
  type: 'object',
  required: ['kind'],
  ...closed,
  properties: {
    kind: { enum: ['csv', 'json', 'geojson', 'xml'] },
    delimiter: { enum: [',', ';', '\t', '|'] },
    encoding: { enum: ['utf-8', 'cp1251', 'cp866', 'koi8-u'] },
    decimalMark: { enum: ['.', ','] },
    header: { type: 'boolean' },
    lineEnding: { enum: ['lf', 'crlf'] },
    root: { ...Name, description: 'xml: the root element' },
    record: { ...Name, description: 'xml: the element of one row' },
    xsd: { type: 'string', minLength: 1, maxLength: 200_000, description: 'xml: the XSD the counterpart gave' },
  },
} as const;

const destination = {
  type: 'object',
  required: ['kind'],
  ...closed,
  properties: {
    kind: { enum: ['directory', 'http', 'sftp'] },
    path: { type: 'string', minLength: 1, maxLength: 1000, description: 'directory, sftp: the folder' },
    url: { type: 'string', pattern: '^https?://', maxLength: 2000, description: 'http: the base URL' },
    host: { type: 'string', minLength: 1, maxLength: 255 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    credentials: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]{0,62}$',
      description: 'Name of the credentials in the configuration: POTIK_EXCHANGE_CREDENTIALS_<NAME> = user:password',
    },
  },
} as const;

const schedule = {
  type: 'object',
  ...closed,
  properties: {
    every: {
      type: 'string',
      pattern: '^[1-9][0-9]*(s|m|h|d)$',
      description: 'An interval: 30s, 15m, 1h, 1d',
    },
    cron: { type: 'string', minLength: 9, maxLength: 100, description: 'A cron expression, e.g. 0 2 * * *' },
    timezone: { type: 'string', minLength: 1, maxLength: 64, description: 'For cron; default Europe/Kyiv' },
  },
  oneOf: [{ required: ['every'] }, { required: ['cron'] }],
} as const;

export const exchangeSpecSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Potik data exchange',
  type: 'object',
  required: ['id', 'title', 'direction', 'source', 'format', 'destination', 'naming', 'schedule'],
  ...closed,
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    direction: { enum: ['out', 'in'] },
    source,
    format,
    destination,
    naming: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description:
        'File name with {yyyy} {MM} {dd} {HH} {mm} {ss} of the scheduled time (UTC), e.g. consumers_{yyyy}{MM}{dd}.csv',
    },
    schedule,
    billing: {
      type: 'object',
      required: ['normPerRun'],
      ...closed,
      properties: { normPerRun: NormHours },
    },
  },
} as const;
