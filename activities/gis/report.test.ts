import { describe, expect, it } from 'vitest';
import { kharkivTiePoints } from '../../test/fixtures/tie-points/kharkiv.ts';
import { chooseModel, fitModels } from './fit.ts';
import type { TiePoint } from './fit.ts';
import { buildReport, renderReportJson, renderReportMarkdown } from './report.ts';

const points: TiePoint[] = kharkivTiePoints().points.map((p) => ({
  id: p.id,
  check: p.check,
  source: { x: p.source.Y, y: p.source.X },
  target: { x: p.target.Y, y: p.target.X },
  ...(p.id === 'T06' ? { dropReason: 'blunder confirmed at the mark' } : {}),
}));

describe('transformation report', () => {
  const fits = fitModels(points);
  const report = buildReport({ fits, choice: chooseModel(fits, 0.05), sourceCrs: 'EPSG:7829', targetCrs: 'EPSG:9858' });

  it('summarises every model and names the chosen one with its reason', () => {
    expect(report.models.map((m) => m.kind)).toEqual(['shift', 'helmert', 'affine', 'polynomial2']);
    expect(report.chosen).toEqual({ kind: 'helmert', reason: expect.stringContaining('within 50.0 mm') });
    expect(report.rejected.map((r) => r.kind)).toEqual(['shift']);
  });

  it('renders Markdown with the model table, the residuals, the dropped point and the reason', () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain('| helmert | 4 | 9 | 4 |');
    expect(md).toContain('dropped: blunder confirmed at the mark');
    expect(md).toContain('**helmert**');
    expect(md).toMatch(/- shift: RMS \d+\.\d mm exceeds the tolerance 50\.0 mm/);
    const helmert = report.models.find((m) => m.kind === 'helmert')!;
    expect(md).toContain(`| ${(helmert.rmsM * 1000).toFixed(1)} |`);
  });

  it('renders JSON that reads back to the same report', () => {
    expect(JSON.parse(renderReportJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(renderReportJson(report)).models[1].sigma0M).toBeGreaterThan(0);
  });
});
