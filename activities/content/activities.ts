/**
 * The X-CONTENT activity `content.analyze`: reads a project schema, runs the content checks and
 * stores three artifacts of the step — the full report as JSON, the findings as CSV for Excel and
 * the report in Markdown. A retry finds the stored JSON and rewrites nothing: the CSV and the
 * Markdown are pure functions of it, stored under names an earlier attempt may already hold.
 */
import type { Severity } from '../audit/model.ts';
import { readNetwork } from '../audit/project-data.ts';
import { artifactRef, storeFile, storeJson, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { heartbeat, requireSchema, resolveSchema, type SchemaRef } from '../project-schemas.ts';
import { runContentAnalysis } from './engine.ts';
import type { ContentReport, Recommendation } from './model.ts';
import { renderContentReport, renderFindingsCsv } from './report.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';

export type ContentAnalyzeInput = SchemaRef;

export type ContentAnalyzeOutput = Record<Severity, number> & {
  schema: string;
  total: number;
  byRule: Record<string, number>;
  /** The ranked recommendations, without their example objects (the report lists those). */
  recommendations: Omit<Recommendation, 'examples'>[];
  /** `content-report.json`: summary, recommendations, every finding, thresholds. */
  report: ArtifactRef;
  /** `content-findings.csv`: one row per finding. */
  findings: ArtifactRef;
  /** `content-report.md`: the report to read. */
  document: ArtifactRef;
};

export function createContentActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    /** Runs the content checks on a project schema and stores the report, the findings CSV and the Markdown report. */
    async 'content.analyze'({
      input,
      engagement,
    }: BusinessActivityInput<ContentAnalyzeInput>): Promise<ContentAnalyzeOutput> {
      let stored = await storedJson<{ schema: string; report: ContentReport }>(pool, engagement, 'content-report.json');
      if (!stored) {
        const schema = resolveSchema(input, engagement);
        await requireSchema(pool, schema);
        const progress = heartbeat();
        const network = await readNetwork(pool, schema, progress);
        const report = runContentAnalysis(network, DEFAULT_THRESHOLDS, {
          onCheck: (check, done) => progress({ phase: 'checks', table: check, rows: done }),
        });
        const row = await storeJson(pool, engagement, 'content-report', 'content-report.json', { schema, report });
        stored = { row, value: { schema, report } };
        deps.logger.info(
          { engagementId: engagement.id, schema, findings: report.summary.total },
          'content analysis stored',
        );
      }
      const { schema, report } = stored.value;
      const csv = await storeFile(pool, engagement, {
        kind: 'content-findings',
        name: 'content-findings.csv',
        mediaType: 'text/csv; charset=utf-8',
        content: Buffer.from(await renderFindingsCsv(report.findings)),
      });
      const markdown = await storeFile(pool, engagement, {
        kind: 'content-report',
        name: 'content-report.md',
        mediaType: 'text/markdown; charset=utf-8',
        content: Buffer.from(renderContentReport(report, { schema, engagementId: engagement.id })),
      });
      return {
        schema,
        total: report.summary.total,
        ...report.summary.bySeverity,
        byRule: report.summary.byRule,
        recommendations: report.recommendations.map(({ examples: _examples, ...r }) => r),
        report: artifactRef(stored.row),
        findings: artifactRef(csv),
        document: artifactRef(markdown),
      };
    },
  };
}
