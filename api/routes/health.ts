import { Router } from 'express';
import type { AppDeps } from '../app.ts';

/** Liveness says the process answers; readiness that PostgreSQL and Temporal answer too. */
export function healthRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const probe = (name: string, check: Promise<unknown>) =>
      check.then(
        () => ({ name, ok: true }),
        (error: Error) => ({ name, ok: false, detail: error.message }),
      );
    const checks = await Promise.all([
      probe('postgresql', deps.pool.query('SELECT 1')),
      probe('temporal', deps.temporal.check()),
    ]);
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
