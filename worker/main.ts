/**
 * The worker process: runs engagement workflows and their activities. Configuration comes from the
 * environment (lib/config.ts); SIGTERM/SIGINT drain in-flight work and close every connection.
 */
import { DefaultLogger, NativeConnection, Runtime, type LogLevel as SdkLogLevel } from '@temporalio/worker';
import { loadConfig } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { createPool } from '../db/pool.ts';
import { createEngagementWorker, ensureSearchAttributes } from './create-worker.ts';

const SDK_LEVEL: Record<string, SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  Runtime.install({ logger: new DefaultLogger(SDK_LEVEL[config.logLevel]) });
  const address = config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`;
  const pool = createPool(config.databaseUrl, { applicationName: 'potik-worker' });
  await ensureSearchAttributes(address, config.temporalNamespace, logger);
  const connection = await NativeConnection.connect({ address });
  const worker = await createEngagementWorker({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.temporalTaskQueue,
    deps: { pool, logger, vendorVatPayer: config.vendorVatPayer, releaseLinks: config.releaseLinks },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker shutting down');
      worker.shutdown();
    });
  }
  logger.info({ address, namespace: config.temporalNamespace, taskQueue: config.temporalTaskQueue }, 'worker started');
  try {
    await worker.run();
  } finally {
    await connection.close();
    await pool.end();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
