/**
 * The HTTP API as an Express app built over its dependencies, without listening: the server entry
 * listens, tests mount it on port 0. The OpenAPI document (api/openapi.yaml) is the contract every
 * `/v1` request passes through (api/gate.ts) and is served at /openapi.json and /docs.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Pool } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';
import { sessionSettings, type SessionSettings } from '../lib/sessions.ts';
import { loadContract, type Contract } from './contract.ts';
import {
  contentLengthLimit,
  createGate,
  DEFAULT_RATE_LIMITS,
  DEFAULT_UPLOAD_MAX_BYTES,
  type RateLimits,
} from './gate.ts';
import { createDefinitionThread, type DefinitionThread } from './definition-thread.ts';
import { assertMetricsToken, createMetrics, type ApiMetrics } from './metrics.ts';
import { pathEncoding } from './path-encoding.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { billingRoutes } from './routes/billing.ts';
import { crsRoutes } from './routes/crs.ts';
import { customerRoutes } from './routes/customers.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { engagementRoutes } from './routes/engagements.ts';
import { healthRoutes } from './routes/health.ts';
import { releaseDownloadRoutes, releaseRoutes } from './routes/releases.ts';
import { requestRoutes } from './routes/requests.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { allSessionsRoutes, sessionRoutes } from './routes/session.ts';
import { taskRoutes } from './routes/tasks.ts';
import { consoleRoutes } from '../console/index.ts';
import { userRoutes } from './routes/users.ts';
import type { TemporalGateway } from './temporal-client.ts';

export interface AppDeps {
  pool: Pool;
  temporal: TemporalGateway;
  logger: Logger;
  /** Whether the vendor charges VAT on its services (acts). */
  vendorVatPayer: boolean;
  /** Largest file `PUT /v1/engagements/{id}/files/{name}` accepts; DEFAULT_UPLOAD_MAX_BYTES when not given. */
  uploadMaxBytes?: number;
  /** Rate limits; DEFAULT_RATE_LIMITS where not given. */
  rateLimits?: Partial<RateLimits>;
  /** The compiled OpenAPI document; loaded from api/openapi.yaml when not given. */
  contract?: Contract;
  /** Console sessions; a random secret and 12 hours when not given. */
  sessions?: SessionSettings;
  /**
   * Proxies whose forwarded headers are believed (addresses, CIDR ranges, `loopback`…); none when
   * not given, so the client address is always the connection's.
   */
  trustProxy?: readonly string[];
  /**
   * When given, `/metrics` answers only `Authorization: Bearer <this token>` (METRICS_TOKEN); when
   * not, it is public on the address the API listens on.
   */
  metricsToken?: string;
  /** HMAC secret of release download links (RELEASE_LINK_SECRET); a key kept in the database when not given. */
  releaseLinkSecret?: string;
  /** Where posted definitions are loaded; a thread of the app's own, started on first use, when not given. */
  definitionThread?: DefinitionThread;
}

/** What route modules get: the app's dependencies plus its metrics. */
export interface RouteDeps extends AppDeps {
  metrics: ApiMetrics;
  sessions: SessionSettings;
  definitionThread: DefinitionThread;
}

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
  }
}

export function createApp(appDeps: AppDeps): Express {
  const contract = appDeps.contract ?? loadContract();
  const metrics = createMetrics();
  const sessions = appDeps.sessions ?? sessionSettings();
  const definitionThread = appDeps.definitionThread ?? createDefinitionThread();
  const deps: RouteDeps = { ...appDeps, contract, metrics, sessions, definitionThread };
  const app = express();
  app.disable('x-powered-by');
  // No ETag on JSON answers: hashing every body costs more than the rare revalidation saves.
  // Downloads set their own from the sha256 recorded with the file.
  app.set('etag', false);
  // Forwarded headers only from the proxies the operator named: anyone else could choose the
  // address that rate limits count by.
  app.set('trust proxy', deps.trustProxy && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false);
  app.use((req, res, next) => {
    req.id = req.get('x-request-id')?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = req.originalUrl.split('?')[0]!;
      const route = req.operation?.path ?? contract.find(req.method, path)?.operation.path ?? 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      deps.logger.info(
        { reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: seconds * 1000 },
        'request',
      );
    });
    next();
  });
  app.use(helmet());
  app.use(pathEncoding);
  app.use(contentLengthLimit(deps.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES));

  app.use(healthRoutes(deps));
  app.get('/metrics', async (req, res) => {
    if (deps.metricsToken !== undefined) assertMetricsToken(deps.metricsToken, req.get('authorization'));
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(contract.document);
  });
  // The page loads its assets relative to itself, so it lives at /docs/.
  app.get('/docs', (req, res, next) => (req.path === '/docs' ? res.redirect(301, '/docs/') : next()));
  app.use('/docs', swaggerUi.serveFiles(contract.document), swaggerUi.setup(contract.document));

  const v1 = express.Router();
  v1.use('/me', userRoutes.me(deps));
  v1.use('/session', sessionRoutes(deps));
  v1.use('/sessions', allSessionsRoutes(deps));
  v1.use('/users', userRoutes.users(deps));
  v1.use('/keys', userRoutes.keys(deps));
  v1.use('/engagements', engagementRoutes(deps), artifactRoutes(deps));
  v1.use('/tasks', taskRoutes(deps));
  v1.use('/billing', billingRoutes(deps));
  v1.use('/customers', customerRoutes(deps));
  v1.use('/definitions', definitionRoutes(deps));
  v1.use('/requests', requestRoutes(deps));
  v1.use('/crs', crsRoutes(deps));
  v1.use('/releases', releaseRoutes(deps));
  v1.use('/release-downloads', releaseDownloadRoutes(deps));
  v1.use('/schedules', scheduleRoutes(deps));
  app.use(
    '/v1',
    createGate({ contract, pool: deps.pool, sessions, limits: { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits } }),
    v1,
  );

  // People work in the console (console/): a browser asking for the root is sent there.
  app.get('/', (req, res, next) =>
    req.accepts(['json', 'html']) === 'html' ? res.redirect(303, '/console/') : next(),
  );
  app.use('/console', consoleRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
