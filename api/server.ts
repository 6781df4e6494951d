/**
 * The API process: reads config, connects PostgreSQL and Temporal, listens, and on SIGTERM/SIGINT
 * stops taking requests, lets the ones in flight finish and closes its connections.
 */
import type { Server } from 'node:http';
import { loadConfig, type Config } from '../lib/config.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { createPool } from '../db/pool.ts';
import { sessionSettings } from '../lib/sessions.ts';
import { createApp } from './app.ts';
import { createDefinitionThread } from './definition-thread.ts';
import { connectTemporal } from './temporal-client.ts';

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  const pool = createPool(config.databaseUrl, { applicationName: 'potik-api' });
  const temporal = await connectTemporal({
    address: config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`,
    namespace: config.temporalNamespace,
    taskQueue: config.temporalTaskQueue,
    uiUrl: config.temporalUiUrl,
  });
  const definitionThread = createDefinitionThread();
  // Started now, so the first definition posted does not wait for the thread to load its modules.
  void definitionThread.warm().catch((error: unknown) => logger.error({ err: error }, 'definition thread'));
  const app = createApp({
    pool,
    temporal,
    logger,
    vendorVatPayer: config.vendorVatPayer,
    uploadMaxBytes: config.uploadMaxBytes,
    rateLimits: config.rateLimits,
    trustProxy: config.trustProxy,
    metricsToken: config.metricsToken,
    releaseLinkSecret: config.releaseLinks.secret,
    sessions: sessionSettings({ secret: config.sessionSecret, ttlSeconds: config.sessionTtlSeconds }),
    definitionThread,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    server,
    url: `http://${config.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await definitionThread.close();
      await temporal.close();
      await pool.end();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api');
  startApi(config, logger).then(
    (api) => {
      logger.info({ url: api.url }, 'API listening');
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          logger.info({ signal }, 'API shutting down');
          void api.close().then(() => process.exit(0));
        });
      }
    },
    (error: unknown) => {
      const message =
        (error as { code?: string }).code === 'EADDRINUSE'
          ? `Port ${config.port} is in use: stop what listens there or set PORT.`
          : error instanceof Error
            ? error.message
            : String(error);
      logger.fatal(message);
      process.exit(1);
    },
  );
}
