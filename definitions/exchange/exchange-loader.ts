/**
 * Loads an exchange spec the way process definitions are loaded: preflight on the raw text, strict
 * YAML with positions, ajv against exchange-schema.ts, then the checks a schema cannot express
 * (what each source, format and destination needs). Every problem is a `DefinitionIssue` with
 * `file:line:column`; any problem throws one `DefinitionError` (422 at the API).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { DefinitionError, type DefinitionIssue } from '../definition-error.ts';
import { parseDuration } from '../duration.ts';
import type { Norm } from '../model.ts';
import { preflight } from '../preflight.ts';
import { validateStructure } from '../schema-validation.ts';
import { formatPath, parseYaml, type ParsedYaml, type PathSegment } from '../yaml-document.ts';
import { exchangeSpecSchema } from './exchange-schema.ts';
import type { ExchangeCalendar, ExchangeSpec, TextEncoding } from './exchange-spec.ts';

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, verbose: true }).compile(
    exchangeSpecSchema,
  );
  return validator;
}

/** The shortest interval a schedule may have: shorter runs would overlap the transfers themselves. */
export const MIN_INTERVAL_MS = 1000;

/** The tokens a file name may use; each is a field of the scheduled time in UTC. */
export const NAMING_TOKENS = ['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss'] as const;

type Raw = Record<string, unknown>;

/** Loads and checks an exchange spec; `file` names it in error positions. */
export function loadExchangeSpec(source: string, file: string): ExchangeSpec {
  const early = preflight(source, file);
  if (early.length > 0) throw new DefinitionError(early);
  const { parsed, issues: yamlIssues } = parseYaml(source, file);
  if (!parsed) throw new DefinitionError(yamlIssues);
  const structural = validateStructure(parsed, file, getValidator());
  if (structural.found > 0) throw new DefinitionError(structural.issues, structural.found);
  const raw = parsed.value as Raw;
  const issues = checkSemantics(raw, parsed, file);
  if (issues.length > 0) throw new DefinitionError(issues);
  return compileSpec(raw);
}

function checkSemantics(raw: Raw, parsed: ParsedYaml, file: string): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const at = (path: PathSegment[], message: string, hint?: string) =>
    issues.push({ file, ...parsed.locate(path), path: formatPath(path), message, ...(hint ? { hint } : {}) });
  const source = raw.source as Raw;
  const format = raw.format as Raw;
  const destination = raw.destination as Raw;
  const direction = raw.direction as string;

  if (direction === 'out' && source.kind === 'objects' && !source.classes)
    at(['source'], "an 'objects' source needs the classes it reads", 'add classes: [water_valve, …]');
  if (direction === 'in' && source.kind !== 'readings')
    at(['source', 'kind'], 'an incoming exchange reads readings into the project', 'write kind: readings');
  if (direction === 'in' && !source.quantity)
    at(['source'], 'an incoming exchange needs the quantity of its readings', 'add quantity: pressure (or flow, …)');
  if (direction === 'in' && (format.kind === 'xml' || format.kind === 'geojson'))
    at(['format', 'kind'], 'incoming readings are read from CSV or JSON', 'write kind: csv or kind: json');
  if (source.changes === 'sinceLastRun' && source.kind !== 'readings')
    at(['source', 'changes'], 'only readings carry the time they were received', 'remove changes, or read readings');
  if (format.kind !== 'xml') {
    for (const key of ['root', 'record', 'xsd'] as const)
      if (format[key] !== undefined) at(['format', key], `'${key}' applies to XML only`, `remove ${key}`);
  }
  if (format.kind !== 'csv') {
    for (const key of ['delimiter', 'decimalMark', 'header'] as const)
      if (format[key] !== undefined) at(['format', key], `'${key}' applies to CSV only`, `remove ${key}`);
  }
  if (format.delimiter === ',' && format.decimalMark === ',')
    at(['format', 'decimalMark'], 'a decimal comma needs another delimiter', "use delimiter: ';'");

  const kind = destination.kind as string;
  if ((kind === 'directory' || kind === 'sftp') && !destination.path)
    at(['destination'], `a ${kind} destination needs its path`, 'add path: …');
  if (kind === 'http' && !destination.url)
    at(['destination'], 'an http destination needs its url', 'add url: https://…');
  if (kind === 'sftp' && !destination.host) at(['destination'], 'an sftp destination needs its host', 'add host: …');
  if (kind === 'sftp' && !destination.credentials)
    at(['destination'], 'an sftp destination needs credentials', 'add credentials: NAME (set in the configuration)');
  if (kind !== 'sftp' && (destination.host !== undefined || destination.port !== undefined))
    at(['destination', destination.host !== undefined ? 'host' : 'port'], 'host and port apply to sftp only');
  if (kind === 'directory' && destination.credentials !== undefined)
    at(['destination', 'credentials'], 'a directory needs no credentials', 'remove credentials');

  const naming = raw.naming as string;
  if (/[/\\]/.test(naming) || naming.startsWith('.'))
    at(['naming'], 'a file name may not name folders or start with a dot', 'put the folder in destination.path');
  for (const token of naming.match(/\{[^}]*\}/g) ?? []) {
    const name = token.slice(1, -1);
    if (!(NAMING_TOKENS as readonly string[]).includes(name))
      at(['naming'], `unknown token ${token}`, `use ${NAMING_TOKENS.map((t) => `{${t}}`).join(' ')}`);
  }
  if (!/\{(dd|HH|mm|ss)\}/.test(naming))
    at(['naming'], 'the name must differ per period', 'include {dd} (and {HH}{mm}{ss} for runs within a day)');

  const schedule = raw.schedule as Raw;
  if (typeof schedule.every === 'string') {
    const ms = parseDuration(schedule.every);
    if (ms === undefined || ms < MIN_INTERVAL_MS) at(['schedule', 'every'], 'the interval must be at least 1s');
  }
  if (typeof schedule.cron === 'string' && schedule.cron.trim().split(/\s+/).length !== 5)
    at(['schedule', 'cron'], 'a cron expression has five fields', 'minute hour day month weekday, e.g. 0 2 * * *');
  if (schedule.timezone !== undefined && schedule.cron === undefined)
    at(['schedule', 'timezone'], 'a time zone applies to cron only', 'remove timezone');
  return issues;
}

function compileSpec(raw: Raw): ExchangeSpec {
  const source = raw.source as Raw;
  const format = raw.format as Raw;
  const destination = raw.destination as Raw;
  const schedule = raw.schedule as Raw;
  const xml = format.kind === 'xml';
  const calendar: ExchangeCalendar =
    typeof schedule.every === 'string'
      ? { everyMs: parseDuration(schedule.every)! }
      : {
          cron: (schedule.cron as string).trim(),
          timezone: (schedule.timezone as string | undefined) ?? 'Europe/Kyiv',
        };
  return {
    id: raw.id as string,
    title: raw.title as string,
    direction: raw.direction as ExchangeSpec['direction'],
    source: {
      kind: source.kind as ExchangeSpec['source']['kind'],
      projectId: (source.projectId as string | undefined) ?? null,
      classes: (source.classes as string[] | undefined) ?? [],
      attributes: (source.attributes as string[] | undefined) ?? [],
      changes: (source.changes as 'all' | 'sinceLastRun' | undefined) ?? 'all',
      quantity: (source.quantity as string | undefined) ?? null,
    },
    format: {
      kind: format.kind as ExchangeSpec['format']['kind'],
      delimiter: (format.delimiter as string | undefined) ?? ';',
      encoding: (format.encoding as TextEncoding | undefined) ?? 'utf-8',
      decimalMark: (format.decimalMark as '.' | ',' | undefined) ?? '.',
      header: (format.header as boolean | undefined) ?? true,
      lineEnding: format.lineEnding === 'crlf' ? '\r\n' : '\n',
      root: xml ? ((format.root as string | undefined) ?? 'exchange') : 'exchange',
      record: xml ? ((format.record as string | undefined) ?? 'row') : 'row',
      xsd: (format.xsd as string | undefined) ?? null,
    },
    destination: {
      kind: destination.kind as ExchangeSpec['destination']['kind'],
      path: (destination.path as string | undefined) ?? null,
      url: (destination.url as string | undefined) ?? null,
      host: (destination.host as string | undefined) ?? null,
      port: (destination.port as number | undefined) ?? (destination.kind === 'sftp' ? 22 : null),
      credentials: (destination.credentials as string | undefined) ?? null,
    },
    naming: raw.naming as string,
    calendar,
    normPerRun: ((raw.billing as Raw | undefined)?.normPerRun as Norm | undefined) ?? null,
  };
}

/** The file name of the run scheduled at `at`: the naming tokens replaced by its UTC fields. */
export function fileNameFor(naming: string, at: Date): string {
  const iso = at.toISOString();
  const fields: Record<string, string> = {
    yyyy: iso.slice(0, 4),
    MM: iso.slice(5, 7),
    dd: iso.slice(8, 10),
    HH: iso.slice(11, 13),
    mm: iso.slice(14, 16),
    ss: iso.slice(17, 19),
  };
  return naming.replace(/\{(yyyy|MM|dd|HH|mm|ss)\}/g, (_, token: string) => fields[token]!);
}
