import type { Logger } from '../lib/logger.ts';
import type { Pool } from '../db/pool.ts';

/** What every activity factory receives: injected, so tests can pass their own. */
export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
  /** Whether the vendor charges VAT (20 %) on its services. */
  vendorVatPayer: boolean;
  /**
   * Download links of release deliveries: the HMAC secret (unset: a key kept in the database), how
   * many hours a link works, and the API's public address the links start with.
   */
  releaseLinks?: { secret?: string; ttlHours?: number; publicUrl?: string };
}

/** The engagement an activity step works for, with the key that makes its side effects idempotent. */
export interface EngagementRef {
  id: string;
  customerId: string;
  projectId: string | null;
  /** The user who launched the engagement (acts and reports name them as their author). */
  launchedBy: string;
  stepId: string;
  iteration: string;
  idempotencyKey: string;
}

/** The one parameter of every business activity named in a definition. */
export interface BusinessActivityInput<T> {
  input: T;
  engagement: EngagementRef;
}
