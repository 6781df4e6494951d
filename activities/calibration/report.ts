/**
 * The calibration deliverables people read: the report in Markdown (figures before and after, the
 * acceptance verdict, roughness per group, what the data cannot identify, suspect readings, every
 * reading) and the roughness table as CSV in the finance export's shape.
 */
import { CSV_BOM, formatCsvRecord } from '../../lib/csv.ts';
import type { CalibrationRun, Judged } from './calibration-run.ts';
import type { GroupResult } from './calibrate.ts';

const m = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined ? '—' : value.toFixed(digits);
const percent = (share: number) => `${(share * 100).toFixed(0)} %`;

function figures(label: string, judged: Judged): string[] {
  const h = judged.statistics.heads;
  const f = judged.statistics.flows;
  const lines = [
    `| ${label} | ${h.points} | ${m(h.rmseM)} | ${m(h.meanM)} | ${m(h.meanAbsM)} | ${m(h.maxAbsM)} | ${h.within.map((w) => percent(w.share)).join(' / ')} | ${f.points === 0 ? '—' : `${m(f.maxAbsPercent, 1)} %`} | ${judged.verdict.passed ? '**passes**' : '**fails**'} |`,
  ];
  return lines;
}

function verdictLines(label: string, judged: Judged): string[] {
  return [
    `${label}: ${judged.verdict.passed ? 'passes' : 'fails'} profile \`${judged.verdict.profile}\``,
    '',
    ...judged.verdict.checks.map(
      (c) => `- ${c.passed ? '✓' : '✗'} ${c.criterion}: required ${c.required}, found ${c.actual ?? '—'}`,
    ),
    '',
  ];
}

export function renderCalibrationMarkdown(title: string, run: CalibrationRun): string {
  const thresholds = run.before.statistics.heads.within.map((w) => `±${w.m} m`).join(' / ');
  const lines = [
    `# ${title}`,
    '',
    `Network: **${run.network}** — ${run.model.junctions} junctions, ${run.model.sources} sources, ${run.model.pipes} pipes, ${run.model.lengthKm} km. ` +
      `Darcy–Weisbach head loss (EPANET 2.3, Swamee–Jain friction factor), steady state at the time of the readings.` +
      (run.network === 'heat' ? ' Heat network: water-side hydraulics of the supply line only; no heat transfer.' : ''),
    '',
    `Source heads: ${Object.entries(run.sourceHeads)
      .map(([id, head]) => `${id} ${m(head, 2)} m`)
      .join(', ')}.`,
    '',
    `Acceptance profile: **${run.profile.id}** — ${run.profile.title}. ${run.profile.source}.`,
    '',
    '## Figures',
    '',
    `| model | head readings | RMSE, m | mean, m | mean abs, m | max abs, m | within ${thresholds} | max flow dev. | verdict |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...figures('stored roughness', run.before),
    ...(run.after ? figures('calibrated', run.after) : []),
    '',
    ...verdictLines('Stored roughness', run.before),
    ...(run.after ? verdictLines('Calibrated', run.after) : []),
  ];
  const c = run.calibration;
  if (c) {
    lines.push(
      '## Roughness per group',
      '',
      `Grouped by ${c.groupBy}; ${c.iterations} Levenberg–Marquardt iterations, ${c.solves} solves; sum of squares ${m(c.sumSquaresStart, 4)} → ${m(c.sumSquaresAfter, 4)}.`,
      '',
      '| group | pipes | km | stored, mm | start, mm | calibrated, mm | bounds, mm | rel. std. error | sensitivity, m | identified |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...c.groups.map(
        (g) =>
          `| ${g.group} | ${g.pipes} | ${g.lengthKm} | ${m(g.beforeMm, 4)} | ${m(g.startMm, 4)} | ${m(g.afterMm, 4)}${g.atBound ? ' (at bound)' : ''} | ${g.boundsMm.join('–')} | ${m(g.relativeStdError, 3)} | ${m(g.sensitivityM, 3)} | ${g.identified ? 'yes' : 'no'} |`,
      ),
      '',
    );
    const unidentified = c.groups.filter((g) => !g.identified && !g.fixed);
    lines.push('## Groups the readings cannot identify', '');
    if (unidentified.length === 0) lines.push('None: every free group is identified.', '');
    for (const g of unidentified)
      lines.push(
        `- **${g.group}**: ${g.reason}. Fix it (\`fixed\`), merge groups or add gauges where it carries flow.`,
      );
    if (unidentified.length > 0) lines.push('');
  }
  const final = run.after ?? run.before;
  lines.push(
    '## Suspect readings',
    '',
    `Residual above 3 × RMSE (${m(final.statistics.heads.rmseM)} m): a wrong elevation, a closed valve, a gauge on another node.`,
    '',
  );
  const suspects = run.points.filter((p) => p.suspect);
  if (suspects.length === 0) lines.push('None.', '');
  for (const p of suspects)
    lines.push(`- \`${p.key}\` (${p.at}): measured ${m(p.measured)}, model ${m(p.after ?? p.before)}`);
  if (suspects.length > 0) lines.push('', 'Leave a reading out with `exclude` only with a reason.', '');
  if (run.excluded.length > 0) lines.push(`Excluded by the engineer: ${run.excluded.join(', ')}.`, '');
  lines.push(
    '## Readings',
    '',
    'Residual = model − measured (m for heads and pressures, m³/h for flows).',
    '',
    '| reading | where | measured | model before | residual before | model after | residual after | suspect |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...run.points.map(
      (p) =>
        `| ${p.key} | ${p.at} | ${m(p.measured)} | ${m(p.before)} | ${m(p.residualBefore)} | ${m(p.after)} | ${m(p.residualAfter)} | ${p.suspect ? 'yes' : ''} |`,
    ),
    '',
  );
  return lines.join('\n');
}

/** The roughness table: one row per group, UTF-8 with BOM, `;`, decimal comma. */
export function renderRoughnessCsv(groups: readonly GroupResult[]): string {
  const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));
  return (
    CSV_BOM +
    formatCsvRecord([
      'group',
      'pipes',
      'length_km',
      'stored_mm',
      'calibrated_mm',
      'min_mm',
      'max_mm',
      'relative_std_error',
      'identified',
      'note',
    ]) +
    groups
      .map((g) =>
        formatCsvRecord([
          g.group,
          g.pipes,
          g.lengthKm,
          round(g.beforeMm, 4),
          round(g.afterMm, 4),
          g.boundsMm[0],
          g.boundsMm[1],
          round(g.relativeStdError, 3),
          g.identified ? 'yes' : 'no',
          g.reason ?? (g.atBound ? 'at a bound' : ''),
        ]),
      )
      .join('')
  );
}
