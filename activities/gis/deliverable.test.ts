import { describe, expect, it } from 'vitest';
import { kharkivFormPoints } from '../../test/fixtures/tie-points/kharkiv.ts';
import type { ApplyOutput } from './activities.ts';
import { fitReport, renderDeliverableMarkdown } from './deliverable.ts';
import { fitCandidates } from './fit-candidates.ts';
import { renderReportMarkdown } from './report.ts';

const fit = fitCandidates({
  points: kharkivFormPoints().map((p) => (p.id === 'T06' ? { ...p, dropReason: 'mark rebuilt' } : p)),
  methods: ['shift', 'helmert2d', 'affine'],
});

const applied: ApplyOutput = {
  schema: 'reproj_0123456789abcdef',
  source: 'project_vodokanal_main',
  sourceCrs: 'EPSG:7829',
  sourceCrsName: 'SK-63 zone X5',
  targetCrs: 'EPSG:9858',
  targetCrsName: 'USK-2000 / LCS-63 Kharkiv',
  model: 'affine',
  parameters: { a0: 1, a1: 1 },
  features: 120,
  coordinates: 262,
  sections: 70,
  spotChecks: [
    { id: 'N-001', type: 'Point', before: [5352457.1789, 5531994.4758], after: [280753.6486, 5540985.2386] },
  ],
  topology: {
    before: { total: 1, bySeverity: { minor: 1 }, byRule: { dangle: 1 } },
    after: { total: 2, bySeverity: { minor: 2 }, byRule: { dangle: 1, gap: 1 } },
    introduced: [
      { rule: 'gap', severity: 'major', object: { layer: 'water_pipe', id: 'S-007' }, location: null, message: 'gap' },
    ],
  },
  report: { id: 1, name: 'apply-report.json', sha256: '0'.repeat(64), size: 1 },
};

describe('the transformation report', () => {
  it('when the fit is reported before the application, then the best model within tolerance is the chosen one', () => {
    const markdown = renderReportMarkdown(fitReport(fit));
    expect(markdown).toContain('**helmert** — helmert (4 parameters)');
    expect(markdown).toContain('| T06 | dropped: mark rebuilt |');
    expect(markdown).toContain('Outlier: |v| > 3σ₀ and > 1 mm.');
  });

  it('when the lead applied another model, then the report says so and shows the application', () => {
    const markdown = renderDeliverableMarkdown({
      projectId: 'vodokanal-main',
      fit: fitReport(fit, applied),
      applied,
      crsSwitched: null,
    });
    expect(markdown).toContain("**affine** — chosen by the lead; the fit's own suggestion was helmert2d");
    expect(markdown).toContain('From EPSG:7829 to EPSG:9858.');
    expect(markdown).toContain('| N-001 | Point | 5352457.179 | 5531994.476 | 280753.649 | 5540985.239 |');
    expect(markdown).toContain('| gap | 0 | 1 |');
    expect(markdown).toContain('Findings introduced by the transformation: gap water_pipe/S-007.');
    expect(markdown).toContain('(metadata not switched yet)');
  });
});
