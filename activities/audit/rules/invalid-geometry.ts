import { anchorOf, geometryProblem } from '../geometry.ts';
import type { GeometryType } from '../../../db/project-schema.ts';
import { finding, type AuditRule } from './rule.ts';

const TYPES: ReadonlySet<string> = new Set(['Point', 'LineString', 'Polygon']);

/**
 * Invalid or empty geometry: a feature whose geometry is missing, malformed or of another type than
 * its layer's, and a node or section that has no feature at all. Every topology rule needs usable
 * geometry, so these objects are invisible to them — and to the customer's map.
 */
export const invalidGeometry: AuditRule = {
  id: 'invalid-geometry',
  severity: 'critical',
  title: 'Invalid or empty geometry',
  check(context) {
    const findings = [];
    for (const feature of context.features.values()) {
      const layerType = context.layers.get(feature.layer)?.geometryType;
      const ownType = (feature.geometry as { type?: unknown } | null)?.type;
      const expected =
        layerType ?? (typeof ownType === 'string' && TYPES.has(ownType) ? (ownType as GeometryType) : 'Point');
      const problem = geometryProblem(feature.geometry, expected);
      if (problem) findings.push(finding(this, feature.layer, feature.id, anchorOf(feature.geometry), problem));
    }
    for (const [table, rows] of [
      ['nodes', context.network.nodes],
      ['sections', context.network.sections],
    ] as const) {
      for (const row of rows) {
        if (!context.features.has(row.id)) {
          findings.push(
            finding(
              this,
              table,
              row.id,
              null,
              `${table === 'nodes' ? 'node' : 'section'} has no feature (no geometry)`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
