import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/** JSON logs; API keys and authorization headers never reach the output. */
export function createLogger(level: LogLevel, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'apiKey', '*.apiKey', 'key', '*.key'],
      censor: '[redacted]',
    },
  });
}
