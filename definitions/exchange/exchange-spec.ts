/**
 * An exchange spec as the worker uses it: the YAML document (exchange-schema.ts) after validation,
 * with the defaults filled in and the schedule compiled. Plain data, so a Schedule's action can
 * carry it and a run never reads the YAML again.
 */
import type { Norm } from '../model.ts';

export type ExchangeDirection = 'out' | 'in';
export type SourceKind = 'consumers' | 'objects' | 'readings';
export type FormatKind = 'csv' | 'json' | 'geojson' | 'xml';
export type DestinationKind = 'directory' | 'http' | 'sftp';
export type TextEncoding = 'utf-8' | 'cp1251' | 'cp866' | 'koi8-u';

export interface ExchangeSource {
  kind: SourceKind;
  projectId: string | null;
  classes: string[];
  attributes: string[];
  changes: 'all' | 'sinceLastRun';
  quantity: string | null;
}

export interface ExchangeFormat {
  kind: FormatKind;
  delimiter: string;
  encoding: TextEncoding;
  decimalMark: '.' | ',';
  header: boolean;
  lineEnding: '\n' | '\r\n';
  root: string;
  record: string;
  xsd: string | null;
}

export interface ExchangeDestination {
  kind: DestinationKind;
  path: string | null;
  url: string | null;
  host: string | null;
  port: number | null;
  /** Name of the credentials in the configuration (POTIK_EXCHANGE_CREDENTIALS_<NAME>). */
  credentials: string | null;
}

/** When runs are due: an interval, or a cron expression in a time zone. */
export type ExchangeCalendar = { everyMs: number } | { cron: string; timezone: string };

export interface ExchangeSpec {
  id: string;
  title: string;
  direction: ExchangeDirection;
  source: ExchangeSource;
  format: ExchangeFormat;
  destination: ExchangeDestination;
  naming: string;
  calendar: ExchangeCalendar;
  /** Norm-hours billed per run; null when runs are not billed. */
  normPerRun: Norm | null;
}
