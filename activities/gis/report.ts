import type { ModelChoice, ModelFit, ModelKind, PointResidual } from './fit.ts';
import { SNOOPING_CRITICAL } from './robust-fit.ts';

/**
 * The transformation report of X-REPROJ that the customer's geodesist approves: the candidate models
 * side by side, the per-point residuals, and the chosen model with the reason. One data shape,
 * rendered as JSON (stored with the engagement) and as Markdown (read by people).
 */

export interface ModelSummary {
  readonly kind: ModelKind;
  readonly parameterCount: number;
  readonly fitPointCount: number;
  readonly checkPointCount: number;
  readonly rmsM: number;
  readonly sigma0M: number | null;
  readonly maxResidualM: number;
  readonly checkRmsM: number | null;
  readonly scalePpm: number;
  readonly rotationArcsec: number;
  readonly parameters: Readonly<Record<string, number>>;
  readonly outliers: readonly string[];
  readonly residuals: readonly PointResidual[];
  /** Points the outlier screening left out of this model's fit, with the test that doubted them. */
  readonly doubted?: readonly { readonly id: string; readonly role: string; readonly reason: string }[];
}

export interface TransformationReport {
  readonly sourceCrs: string | null;
  readonly targetCrs: string | null;
  readonly toleranceM: number;
  readonly models: readonly ModelSummary[];
  readonly chosen: { readonly kind: ModelKind; readonly reason: string } | null;
  readonly rejected: readonly { readonly kind: ModelKind; readonly reason: string }[];
  readonly definitions: string;
}

const DEFINITIONS =
  'v = model(source) − target per point, |v| = √(vx² + vy²), v² = vx² + vy²; RMS = √(Σv²/n) and ' +
  'σ₀ = √(Σv²/(2n − u)) over the n fit points of a u-parameter model; outlier: |v| > 3σ₀; ' +
  'x = easting, y = northing; rotation positive counter-clockwise.';

/** How a point comes to be doubted (robust-fit.ts). */
export const SNOOPING_DEFINITION =
  'Doubted: under each model the point with the largest w = |v|/(σ̂·√f) — σ̂ robust (median), f the ' +
  "point's redundancy number (1 + prediction variance for a check point) — is left out while " +
  `w > ${SNOOPING_CRITICAL} (0.1 % for a good point), one at a time; a model is recommended only with n ≥ 2u fit points.`;

export function buildReport(input: {
  fits: readonly ModelFit[];
  choice: ModelChoice;
  sourceCrs?: string;
  targetCrs?: string;
}): TransformationReport {
  return {
    sourceCrs: input.sourceCrs ?? null,
    targetCrs: input.targetCrs ?? null,
    toleranceM: input.choice.toleranceM,
    models: input.fits.map((fit) => ({
      kind: fit.kind,
      parameterCount: fit.parameterCount,
      fitPointCount: fit.fitPointCount,
      checkPointCount: fit.checkPointCount,
      rmsM: fit.rms,
      sigma0M: fit.sigma0 ?? null,
      maxResidualM: fit.maxResidual,
      checkRmsM: fit.checkRms ?? null,
      scalePpm: fit.scalePpm,
      rotationArcsec: fit.rotationArcsec,
      parameters: fit.parameters,
      outliers: fit.outliers,
      residuals: fit.residuals,
    })),
    chosen: input.choice.chosen ? { kind: input.choice.chosen.kind, reason: input.choice.reason } : null,
    rejected: input.choice.rejected,
    definitions: DEFINITIONS,
  };
}

export function renderReportJson(report: TransformationReport): string {
  return JSON.stringify(report, null, 2);
}

const mm = (metres: number | null): string => (metres === null ? '—' : (metres * 1000).toFixed(1));

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

export function renderReportMarkdown(report: TransformationReport): string {
  const lines: string[] = ['# Transformation report', ''];
  if (report.sourceCrs || report.targetCrs) {
    lines.push(`From ${report.sourceCrs ?? 'unstated'} to ${report.targetCrs ?? 'unstated'}.`, '');
  }
  lines.push(`Tolerance: ${mm(report.toleranceM)} mm.`, '', '## Candidate models', '');
  lines.push(
    ...table(
      [
        'Model',
        'u',
        'n fit',
        'n check',
        'RMS, mm',
        'σ₀, mm',
        'max |v|, mm',
        'check RMS, mm',
        'scale, ppm',
        'rotation, ″',
        'outliers',
      ],
      report.models.map((m) => [
        m.kind,
        String(m.parameterCount),
        String(m.fitPointCount),
        String(m.checkPointCount),
        mm(m.rmsM),
        mm(m.sigma0M),
        mm(m.maxResidualM),
        mm(m.checkRmsM),
        m.scalePpm.toFixed(3),
        m.rotationArcsec.toFixed(3),
        m.outliers.join(', ') || '—',
      ]),
    ),
  );

  lines.push('', '## Residuals |v|, mm (⚠ outlier)', '');
  const ids = report.models[0]?.residuals.map((r) => r.id) ?? [];
  lines.push(
    ...table(
      ['Point', 'role', ...report.models.map((m) => m.kind)],
      ids.map((id) => {
        const first = report.models[0]!.residuals.find((r) => r.id === id)!;
        const role = first.dropReason !== undefined ? `dropped: ${first.dropReason}` : first.role;
        const cells = report.models.map((m) => {
          const r = m.residuals.find((q) => q.id === id)!;
          return `${mm(r.v)}${r.outlier ? ' ⚠' : ''}`;
        });
        return [id, role, ...cells];
      }),
    ),
  );

  lines.push('', '## Chosen model', '');
  const chosen = report.models.find((m) => m.kind === report.chosen?.kind);
  if (!report.chosen || !chosen) {
    lines.push('None: no model is within tolerance.');
  } else {
    lines.push(`**${report.chosen.kind}** — ${report.chosen.reason}.`, '');
    lines.push(
      ...table(
        ['Parameter', 'Value'],
        Object.entries(chosen.parameters).map(([k, v]) => [k, v.toPrecision(12)]),
      ),
    );
    lines.push('');
    lines.push(
      ...table(
        ['Point', 'role', 'vx, mm', 'vy, mm', '|v|, mm', 'outlier'],
        chosen.residuals.map((r) => [r.id, r.role, mm(r.vx), mm(r.vy), mm(r.v), r.outlier ? 'yes' : '']),
      ),
    );
  }
  const doubts = report.models.flatMap((m) => (m.doubted ?? []).map((d) => ({ kind: m.kind, ...d })));
  if (doubts.length > 0) {
    lines.push(
      '',
      '## Points in doubt (screened before the choice, left out of the fit of that model)',
      '',
      ...table(
        ['Point', 'role', 'model', 'why'],
        doubts.map((d) => [d.id, d.role, d.kind, d.reason]),
      ),
    );
  }
  if (report.rejected.length > 0) {
    lines.push('', '## Models passed over', '', ...report.rejected.map((r) => `- ${r.kind}: ${r.reason}`));
  }
  lines.push('', `_${report.definitions}_`, '', `_${SNOOPING_DEFINITION}_`, '');
  return lines.join('\n');
}
