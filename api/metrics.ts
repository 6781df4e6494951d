/**
 * Prometheus metrics of one app instance (a registry of its own, so several apps in one process —
 * tests — do not collide): request durations by route template and status, engagements started
 * and tasks completed through the API.
 */
import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, Registry } from 'prom-client';
import { AppError } from '../lib/errors.ts';
import { sha256Hex } from '../lib/hash.ts';

/** Throws 401 unless the Authorization header is `Bearer <token>` (compared in constant time). */
export function assertMetricsToken(token: string, authorization: string | undefined): void {
  const presented = /^Bearer\s+(\S{1,500})$/i.exec(authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(Buffer.from(sha256Hex(presented)), Buffer.from(sha256Hex(token)))) {
    throw new AppError('unauthenticated', 'The metrics need "Authorization: Bearer <METRICS_TOKEN>".');
  }
}

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  engagementsStarted: Counter<'service'>;
  tasksCompleted: Counter<'kind'>;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    engagementsStarted: new Counter({
      name: 'potik_engagements_started_total',
      help: 'Engagements launched through the API (new ones, not idempotent repeats)',
      labelNames: ['service'],
      registers: [registry],
    }),
    tasksCompleted: new Counter({
      name: 'potik_tasks_completed_total',
      help: 'Tasks completed through the API (not repeats of the same completion)',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
