/**
 * The deliverable of X-REPROJ: the transformation report of the fit (report.ts — candidates,
 * residuals, check points, outliers) with the chosen and applied model, followed by what the
 * application did to the project copy: CRS before and after, counts, spot checks and the topology
 * checks before and after.
 */
import type { ApplyOutput } from './activities.ts';
import type { FitResult } from './fit-candidates.ts';
import { renderReportMarkdown, table, type TransformationReport } from './report.ts';

export interface Deliverable {
  projectId: string | null;
  fit: TransformationReport | null;
  applied: ApplyOutput;
  crsSwitched: { schema: string; crs: string } | null;
}

const DEFINITIONS =
  'v = model(source) − target per point, |v| = √(vx² + vy²), v² = vx² + vy²; RMS = √(Σv²/n) and ' +
  'σ₀ = √(Σv²/(2n − u)) over the n fit points of a u-parameter model; x = easting, y = northing; ' +
  'rotation positive counter-clockwise.';

/**
 * The fit as report.ts renders it. Before the application (the report the geodesist approves) the
 * chosen model is the fit's best within tolerance; after it, the model that was applied.
 */
export function fitReport(
  fit: FitResult,
  applied?: Pick<ApplyOutput, 'model' | 'sourceCrs' | 'targetCrs'>,
): TransformationReport {
  const chosenMethod = applied ? applied.model : fit.best.withinTolerance ? fit.best.method : undefined;
  const chosenFit = fit.models.find((m) => m.method === chosenMethod);
  const reason =
    chosenMethod === fit.best.method
      ? fit.best.reason
      : `chosen by the lead; the fit's own suggestion was ${fit.best.method} (${fit.best.reason})`;
  return {
    sourceCrs: applied?.sourceCrs ?? null,
    targetCrs: applied?.targetCrs ?? null,
    toleranceM: fit.toleranceM,
    models: fit.models,
    chosen: chosenFit ? { kind: chosenFit.kind, reason } : null,
    rejected: fit.rejected.map((r) => ({
      kind: fit.models.find((m) => m.method === r.method)!.kind,
      reason: r.reason,
    })),
    definitions: `${DEFINITIONS} Outlier: |v| > ${fit.outlierSigma}σ₀ and > 1 mm.`,
  };
}

const fixed = (value: number | undefined | null, digits: number): string =>
  value === undefined || value === null ? '—' : value.toFixed(digits);

export function renderDeliverableMarkdown(deliverable: Deliverable): string {
  const { applied } = deliverable;
  const lines: string[] = [];
  if (deliverable.fit) {
    lines.push(renderReportMarkdown(deliverable.fit).trimEnd(), '');
  } else {
    lines.push('# Transformation report', '', `From ${applied.sourceCrs} to ${applied.targetCrs}.`, '');
  }
  lines.push('## Applied transformation', '');
  lines.push(
    `Model: **${applied.model}**${applied.model === 'rigorous' ? ' (CRS → CRS by the EPSG parameters)' : ' (fitted on tie points)'}.`,
    '',
    ...table(
      ['Parameter', 'Value'],
      Object.entries(applied.parameters).map(([k, v]) => [k, typeof v === 'number' ? v.toPrecision(12) : `\`${v}\``]),
    ),
    '',
    `Project ${deliverable.projectId ?? '—'}: source schema \`${applied.source}\`, working copy \`${applied.schema}\`.`,
    '',
    `CRS before: ${applied.sourceCrs} ${applied.sourceCrsName}; after: ${applied.targetCrs} ${applied.targetCrsName}` +
      (deliverable.crsSwitched
        ? ` (metadata of \`${deliverable.crsSwitched.schema}\` switched).`
        : ' (metadata not switched yet).'),
    '',
    `Transformed: ${applied.features} features, ${applied.coordinates} coordinates; section lengths recomputed: ${applied.sections}.`,
    '',
    '## Spot checks (first vertex, easting / northing, m)',
    '',
    ...table(
      ['Feature', 'type', 'before E', 'before N', 'after E', 'after N'],
      applied.spotChecks.map((s) => [
        s.id,
        s.type ?? '—',
        fixed(s.before?.[0], 3),
        fixed(s.before?.[1], 3),
        fixed(s.after?.[0], 3),
        fixed(s.after?.[1], 3),
      ]),
    ),
    '',
    '## Topology checks before and after',
    '',
  );
  const { before, after } = applied.topology;
  const rules = [...new Set([...Object.keys(before.byRule), ...Object.keys(after.byRule)])].sort();
  lines.push(
    ...table(
      ['Rule', 'before', 'after'],
      [
        ...rules.map((rule) => [rule, String(before.byRule[rule] ?? 0), String(after.byRule[rule] ?? 0)]),
        ['**total**', String(before.total), String(after.total)],
      ],
    ),
    '',
    applied.topology.introduced.length === 0
      ? 'The transformation introduced no finding.'
      : `Findings introduced by the transformation: ${applied.topology.introduced.map((f) => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`).join('; ')}.`,
    '',
  );
  return lines.join('\n');
}
