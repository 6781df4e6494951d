/**
 * Coordinate systems: the registry (published EPSG systems and the municipal ones), and the
 * municipal systems engineers define from tie points — stored once, each with its residual report.
 */
import { Router } from 'express';
import { CRS_REGISTRY } from '../../activities/gis/crs-registry.ts';
import type { MunicipalCrs, MunicipalCrsInput } from '../../activities/gis/municipal-crs.ts';
import { createMunicipalCrs, getMunicipalCrs, listMunicipalCrs } from '../../activities/gis/municipal-store.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../app.ts';

/** A municipal system without its fit and tie points (the list). */
export function municipalSummary(s: MunicipalCrs) {
  return {
    code: s.code,
    name: s.name,
    kind: s.kind,
    baseCrs: s.baseCrs,
    method: s.method,
    rmsM: s.rmsM,
    extent: s.extent,
    marginM: s.marginM,
    source: s.source,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
  };
}

/** A municipal system with its residual report: every candidate model, the choice and the tie points. */
export function municipalView(s: MunicipalCrs) {
  return { ...municipalSummary(s), parameters: chosenParameters(s), fit: s.fit, tiePoints: s.tiePoints };
}

function chosenParameters(s: MunicipalCrs): Record<string, number> {
  return { ...s.fit.models.find((m) => m.method === s.method)?.parameters };
}

export function crsRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool } = deps;

  router.get('/', async (_req, res) => {
    const published = CRS_REGISTRY.map((e) => ({
      code: e.code,
      name: e.name,
      kind: e.kind,
      areaOfUse: e.areaOfUse,
      source: e.source,
    }));
    const municipal = (await listMunicipalCrs(pool)).map(municipalSummary);
    res.json({ items: [...published, ...municipal] });
  });

  router.post('/municipal', async (req, res) => {
    const system = await createMunicipalCrs(pool, req.body as MunicipalCrsInput, callerOf(req).id);
    res
      .status(201)
      .location(`/v1/crs/municipal/${encodeURIComponent(system.code)}`)
      .json(municipalView(system));
  });

  router.get('/municipal/:code', async (req, res) => {
    res.json(municipalView(await getMunicipalCrs(pool, req.params.code)));
  });

  return router;
}
