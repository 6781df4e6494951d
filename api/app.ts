/**
 * The HTTP API as an Express app built over its dependencies, without listening: the server entry
 * listens, tests mount it on port 0.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Pool } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { billingRoutes } from './routes/billing.ts';
import { customerRoutes } from './routes/customers.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { engagementRoutes } from './routes/engagements.ts';
import { healthRoutes } from './routes/health.ts';
import { taskRoutes } from './routes/tasks.ts';
import type { TemporalGateway } from './temporal-client.ts';

export interface AppDeps {
  pool: Pool;
  temporal: TemporalGateway;
  logger: Logger;
}

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((req, res, next) => {
    req.id = req.get('x-request-id')?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info(
        {
          reqId: req.id,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(healthRoutes(deps));

  const v1 = express.Router();
  v1.use(authenticate(deps.pool));
  v1.use('/engagements', engagementRoutes(deps));
  v1.use('/tasks', taskRoutes(deps));
  v1.use('/billing', billingRoutes(deps));
  v1.use('/customers', customerRoutes(deps));
  v1.use('/definitions', definitionRoutes(deps));
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
