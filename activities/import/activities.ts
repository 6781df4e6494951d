/**
 * The X-IMPORT activities: inspect the uploaded sources (`import.inspectSource`), convert them by
 * the mapping spec into a trial or staging schema (`import.convert`), audit the result
 * (`import.checkIntegrity`) and write the import report (`import.buildReport`). Each stores its
 * report as an artifact of the step, and a retry returns the stored result instead of redoing work.
 */
import { CSV_BOM, formatCsvRecord } from '../../lib/csv.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import type { ArtifactRow } from '../../db/queries/artifacts.ts';
import {
  artifactRef,
  readUploads,
  storeFile,
  storeJson,
  storedFile,
  storedJson,
  type ArtifactRef,
} from '../artifacts.ts';
import { runAudit } from '../audit/engine.ts';
import { DEFAULT_TOLERANCE_M, type AuditReport, type FindingCounts } from '../audit/model.ts';
import { readNetwork } from '../audit/project-data.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { checkedSchema, fail, heartbeat, requireSchema, resolveSchema, stepSchema } from '../project-schemas.ts';
import { convertSources, type ConversionRun, type LayerResult, type Reject } from './convert.ts';
import { gdalTools, type GdalTools } from './gdal.ts';
import { inspectSources, type InspectHints, type InspectionReport } from './inspect.ts';
import { importReportMarkdown, type ImportReportData } from './report.ts';
import { loadMunicipalCrs } from '../gis/municipal-registry.ts';
import type { MappingSpec } from './spec.ts';

export interface InspectInput {
  projectId: string;
  /** Upload names, e.g. every file of a Shapefile set. */
  files: string[];
  /** From the upload form: the CRS and encoding the customer believes the data is in ('' = not known). */
  hints?: InspectHints;
}

export interface InspectOutput {
  files: string[];
  datasets: {
    name: string;
    format: string;
    encoding: string | null;
    layers: {
      name: string;
      features: number;
      geometryType: string | null;
      crs: string | null;
      axes: string;
      zone: number | null;
    }[];
  }[];
  /** Distinct source CRSs found (registry codes). */
  crs: string[];
  warnings: string[];
  report: ArtifactRef;
}

export interface ConvertInput {
  projectId: string;
  mode: 'sample' | 'full';
  spec: MappingSpec;
  /** The inspect step's output: the conversion reads its report for the files, encodings and CRSs. */
  inspection: { report: ArtifactRef };
  targetCrs?: string;
  /** Features per layer of a sample run (default 500). */
  sampleSize?: number;
}

export interface ConvertOutput {
  mode: 'sample' | 'full';
  /** The schema converted into: pass this output on as `run` or `database`. */
  schema: string;
  projectSchema: string;
  targetCrs: string;
  toleranceM: number;
  layers: Omit<LayerResult, 'rejects'>[];
  totals: { in: number; out: number; rejected: number; junctions: number };
  report: ArtifactRef;
  rejects: ArtifactRef;
}

export type IntegrityOutput = FindingCounts & {
  schema: string;
  report: ArtifactRef;
};

export interface BuildReportInput {
  projectId: string;
  inspection?: InspectOutput;
  conversion?: ConvertOutput;
  integrity?: IntegrityOutput;
  spec?: unknown;
  backup?: { schema?: string; sha256?: string; source?: string };
}

export interface BuildReportOutput {
  report: ArtifactRef;
  json: ArtifactRef;
  totals: ConvertOutput['totals'] | null;
}

function inspectOutput(report: InspectionReport, row: ArtifactRow): InspectOutput {
  return {
    files: report.files,
    datasets: report.datasets.map((d) => ({
      name: d.name,
      format: d.format,
      encoding: d.encoding.encoding,
      layers: d.layers.map((l) => ({
        name: l.name,
        features: l.featureCount,
        geometryType: l.geometryType,
        crs: l.crs.code,
        axes: l.heuristics.axes,
        zone: l.heuristics.zone?.zone ?? null,
      })),
    })),
    crs: [
      ...new Set(report.datasets.flatMap((d) => d.layers.map((l) => l.crs.code)).filter((c): c is string => !!c)),
    ].sort(),
    warnings: report.warnings,
    report: artifactRef(row),
  };
}

interface ConversionReport extends ConversionRun {
  spec: MappingSpec;
  totals: ConvertOutput['totals'];
  rejects: Reject[];
}

function convertOutput(report: ConversionReport, row: ArtifactRow, rejects: ArtifactRef): ConvertOutput {
  const { mode, schema, projectSchema, targetCrs, toleranceM, totals } = report;
  const layers = report.layers.map(({ rejects: _rejects, ...layer }) => layer);
  return { mode, schema, projectSchema, targetCrs, toleranceM, layers, totals, report: artifactRef(row), rejects };
}

function rejectsCsv(rejects: readonly Reject[]): Buffer {
  const lines = [CSV_BOM + formatCsvRecord(['feature', 'source', 'target', 'reason'])];
  for (const r of rejects) lines.push(formatCsvRecord([r.feature, r.source, r.target, r.reason]));
  return Buffer.from(lines.join(''), 'utf8');
}

async function artifactJson<T>(deps: ActivityDeps, ref: ArtifactRef | undefined, what: string): Promise<T> {
  const content = ref ? await selectArtifactContent(deps.pool, ref.id) : null;
  if (!content)
    fail(`the ${what} (artifact ${ref?.id ?? 'none'}) is not stored; run that step first`, 'import-input-invalid');
  return JSON.parse(content.toString('utf8')) as T;
}

function integrityOutput(schema: string, report: AuditReport, row: ArtifactRow): IntegrityOutput {
  return {
    schema,
    total: report.summary.total,
    ...report.summary.bySeverity,
    byRule: report.summary.byRule,
    report: artifactRef(row),
  };
}

export function createImportActivities(deps: ActivityDeps, tools: GdalTools = gdalTools()) {
  const { pool } = deps;
  return {
    /** Inspects the uploaded files with GDAL; stores `inspection-report.json`, returns its summary. */
    async 'import.inspectSource'({ input, engagement }: BusinessActivityInput<InspectInput>): Promise<InspectOutput> {
      const stored = await storedJson<InspectionReport>(pool, engagement, 'inspection-report.json');
      if (stored) return inspectOutput(stored.value, stored.row);
      if (!Array.isArray(input.files) || input.files.length === 0) {
        fail('no files to inspect: name the uploaded files in "files"', 'import-input-invalid');
      }
      const uploads = await readUploads(pool, engagement.id, input.files);
      await loadMunicipalCrs(pool, [input.hints?.crs]);
      const progress = heartbeat();
      const report = await inspectSources(
        tools,
        uploads.map((u) => ({ name: u.row.name, content: u.content })),
        input.hints ?? {},
        (dataset, layer) => progress({ phase: 'inspect', table: `${dataset}:${layer}` }),
      );
      const row = await storeJson(pool, engagement, 'inspection-report', 'inspection-report.json', report);
      deps.logger.info({ engagementId: engagement.id, datasets: report.datasets.length }, 'inspection stored');
      return inspectOutput(report, row);
    },

    /** Converts the inspected sources by the mapping spec into a trial (sample) or staging (full) schema. */
    async 'import.convert'({ input, engagement }: BusinessActivityInput<ConvertInput>): Promise<ConvertOutput> {
      const stored = await storedJson<ConversionReport>(pool, engagement, 'conversion-report.json');
      const storedRejects = await storedFile(pool, engagement, 'rejects.csv');
      if (stored && storedRejects) return convertOutput(stored.value, stored.row, artifactRef(storedRejects.row));
      if (input.mode !== 'sample' && input.mode !== 'full') {
        fail(`mode must be sample or full, got ${JSON.stringify(input.mode)}`, 'import-input-invalid');
      }
      const inspection = await artifactJson<InspectionReport>(deps, input.inspection?.report, 'inspection report');
      const uploads = await readUploads(pool, engagement.id, inspection.files);
      await loadMunicipalCrs(pool, [
        inspection.hints.crs,
        input.spec?.sourceCrs,
        ...(Array.isArray(input.spec?.layers) ? input.spec.layers.map((l) => l?.sourceCrs) : []),
        ...inspection.datasets.flatMap((d) => d.layers.map((l) => l.crs.code ?? l.crs.refused?.crs)),
      ]);
      const projectSchema = resolveSchema({ projectId: input.projectId }, engagement);
      const run = await convertSources(deps, tools, {
        mode: input.mode,
        spec: input.spec,
        inspection,
        files: uploads.map((u) => ({ name: u.row.name, content: u.content })),
        schema: stepSchema(input.mode === 'sample' ? 'trial' : 'import', engagement),
        projectSchema,
        targetCrs: input.targetCrs,
        sampleSize: input.sampleSize,
      });
      const rejects = run.layers.flatMap((l) => l.rejects);
      const sum = (key: 'in' | 'out' | 'rejected' | 'junctions') => run.layers.reduce((s, l) => s + l[key], 0);
      const totals = { in: sum('in'), out: sum('out'), rejected: sum('rejected'), junctions: sum('junctions') };
      const csv = await storeFile(pool, engagement, {
        kind: 'import-rejects',
        name: 'rejects.csv',
        mediaType: 'text/csv',
        content: rejectsCsv(rejects),
      });
      const report: ConversionReport = { ...run, spec: input.spec, totals, rejects };
      const row = await storeJson(pool, engagement, 'conversion-report', 'conversion-report.json', report);
      deps.logger.info({ engagementId: engagement.id, schema: run.schema, ...totals }, 'conversion stored');
      return convertOutput(report, row, artifactRef(csv));
    },

    /** Runs the audit rules over the converted schema; stores `integrity-report.json`. */
    async 'import.checkIntegrity'({
      input,
      engagement,
    }: BusinessActivityInput<{ projectId: string; run: ConvertOutput }>): Promise<IntegrityOutput> {
      const stored = await storedJson<{ schema: string; report: AuditReport }>(
        pool,
        engagement,
        'integrity-report.json',
      );
      if (stored) return integrityOutput(stored.value.schema, stored.value.report, stored.row);
      if (!input.run?.schema)
        fail('run must be the output of import.convert (with its schema)', 'import-input-invalid');
      const schema = checkedSchema(input.run.schema);
      await requireSchema(pool, schema);
      const progress = heartbeat();
      const network = await readNetwork(pool, schema, progress);
      const tolerance = input.run.toleranceM > 0 ? input.run.toleranceM : DEFAULT_TOLERANCE_M;
      const report = runAudit(
        network,
        { tolerance, currentYear: new Date().getUTCFullYear() },
        { onRule: (rule, done) => progress({ phase: 'rules', table: rule, rows: done }) },
      );
      const row = await storeJson(pool, engagement, 'integrity-report', 'integrity-report.json', { schema, report });
      return integrityOutput(schema, report, row);
    },

    /** Writes the import report: `import-report.md` for people, `import-report.json` for machines. */
    async 'import.buildReport'({
      input,
      engagement,
    }: BusinessActivityInput<BuildReportInput>): Promise<BuildReportOutput> {
      const storedMd = await storedFile(pool, engagement, 'import-report.md');
      const storedReport = await storedFile(pool, engagement, 'import-report.json');
      if (storedMd && storedReport) {
        return {
          report: artifactRef(storedMd.row),
          json: artifactRef(storedReport.row),
          totals: input.conversion?.totals ?? null,
        };
      }
      const conversion = input.conversion ?? null;
      const converted = conversion
        ? await artifactJson<ConversionReport>(deps, conversion.report, 'conversion report')
        : null;
      const data: ImportReportData = {
        projectId: input.projectId,
        inspection: input.inspection
          ? {
              files: input.inspection.files,
              datasets: input.inspection.datasets.map((d) => ({
                name: d.name,
                format: d.format,
                encoding: d.encoding,
                layers: d.layers.map((l) => ({ name: l.name, features: l.features, crs: l.crs, axes: l.axes })),
              })),
              warnings: input.inspection.warnings,
            }
          : null,
        conversion: conversion && {
          schema: conversion.schema,
          targetCrs: conversion.targetCrs,
          toleranceM: conversion.toleranceM,
          layers: conversion.layers,
          totals: conversion.totals,
        },
        rejects: converted?.rejects ?? [],
        rejectsTotal: conversion?.totals.rejected ?? 0,
        integrity: input.integrity ?? null,
        spec: input.spec ?? converted?.spec ?? null,
        backup: input.backup ?? null,
      };
      const md = await storeFile(pool, engagement, {
        kind: 'import-report',
        name: 'import-report.md',
        mediaType: 'text/markdown; charset=utf-8',
        content: Buffer.from(importReportMarkdown(data), 'utf8'),
      });
      const json = await storeJson(pool, engagement, 'import-report', 'import-report.json', data);
      return { report: artifactRef(md), json: artifactRef(json), totals: conversion?.totals ?? null };
    },
  };
}
