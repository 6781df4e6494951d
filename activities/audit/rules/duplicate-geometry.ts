import { anchorOf } from '../geometry.ts';
import type { Finding } from '../model.ts';
import { finding, type AuditRule } from './rule.ts';

/** Positions are compared at millimetres. */
function key(geometry: unknown): string | null {
  const { type, coordinates } = (geometry ?? {}) as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !Array.isArray(coordinates) || coordinates.length === 0) return null;
  const rounded = JSON.stringify(coordinates, (_, value: unknown) =>
    typeof value === 'number' ? Math.round(value * 1000) : value,
  );
  if (type === 'LineString') {
    // A line digitised the other way round is the same pipe.
    const reversed = JSON.stringify([...coordinates].reverse(), (_, value: unknown) =>
      typeof value === 'number' ? Math.round(value * 1000) : value,
    );
    return `${type}:${rounded < reversed ? rounded : reversed}`;
  }
  return `${type}:${rounded}`;
}

/**
 * Duplicate geometries: two features with the same geometry (to the millimetre, lines in either
 * direction) — an object entered twice. Lengths, counts and inventory double; the model gets a
 * parallel pipe that does not exist. Reported on every copy after the first in id order.
 */
export const duplicateGeometry: AuditRule = {
  id: 'duplicate-geometry',
  severity: 'major',
  title: 'Duplicate geometry',
  check(context) {
    const first = new Map<string, string>();
    const findings: Finding[] = [];
    const features = [...context.features.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const feature of features) {
      const k = key(feature.geometry);
      if (k === null) continue;
      const original = first.get(k);
      if (original === undefined) first.set(k, feature.id);
      else
        findings.push(
          finding(this, feature.layer, feature.id, anchorOf(feature.geometry), `same geometry as ${original}`),
        );
    }
    return findings;
  },
};
