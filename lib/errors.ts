/**
 * The one application error. Its code is a closed union: every place that throws picks the code
 * that tells the caller what to do, and the API maps codes to HTTP statuses in one table.
 */
export type ErrorCode =
  /** Configuration from the environment is malformed; the message names the key. */
  | 'config-invalid'
  /** The request body or query does not match what the route accepts. */
  | 'request-invalid'
  /** Authentication failed: no key, unknown key, expired or revoked key. */
  | 'unauthenticated'
  /** The caller's role may not perform the action at all. */
  | 'forbidden'
  /** The object does not exist or the caller may not see it (never reveals which). */
  | 'not-found'
  /** A definition failed to load; details carry file/line/column errors. */
  | 'definition-invalid'
  /** The customer is not entitled to the service and no quote path applies. */
  | 'entitlement-denied'
  /** The task is already completed, cancelled or otherwise closed. */
  | 'task-not-open'
  /** The caller is not the task's assignee nor in its group or category. */
  | 'task-not-assigned'
  /** The caller did work this approval reviews and may not approve it (four-eyes principle). */
  | 'four-eyes-violation'
  /** A task result does not match the task's form. */
  | 'task-result-invalid'
  /** The task may not be completed before its not-before time; the details give the time. */
  | 'task-not-yet'
  /** The same idempotency key was reused with a different request. */
  | 'idempotency-conflict'
  /** The engagement is not running (completed, failed, cancelled). */
  | 'engagement-not-running'
  /** The schedule of a regular procedure was deleted; it can no longer run, pause or backfill. */
  | 'schedule-deleted'
  /** A dependency (PostgreSQL, Temporal) is not reachable right now; retry later. */
  | 'unavailable'
  /** The request body is larger than the API accepts; send less. */
  | 'payload-too-large'
  /** The body's media type is not one the route accepts; send JSON (or what the route documents). */
  | 'unsupported-media-type'
  /** Too many requests from this key or address; wait for the Retry-After seconds. */
  | 'rate-limited'
  /** An act is not in the status the requested step needs (draft → issued → signed only). */
  | 'act-status'
  /** No unbilled billable entries are left to put on an act. */
  | 'nothing-to-bill'
  /** The entries to bill fall under several contracts; bill them separately. */
  | 'several-contracts'
  /** A reversing entry was asked to be reversed; record the work again instead. */
  | 'reversal-of-reversal'
  /** A service request was triaged already; it keeps its first outcome. */
  | 'request-already-triaged'
  /** A user with this id exists already. */
  | 'user-exists'
  /** A municipal coordinate system with this code exists already; systems never change: choose a new code. */
  | 'crs-exists'
  /** A definition version is published with other content; published versions never change: raise the version. */
  | 'definition-version-conflict'
  /** The definition is in the catalog but not offered yet: the work it names is still to come. */
  | 'definition-not-offered'
  /** None of the media types the route produces is acceptable to the caller. */
  | 'not-acceptable'
  /** No rate card is in force on the date, so nothing can be priced. */
  | 'rate-card-missing'
  /** A file of this name was uploaded to the engagement already, with other content; uploads never change. */
  | 'upload-exists'
  /** The path exists, but not with this method; the Allow header lists the methods it takes. */
  | 'method-not-allowed'
  /** The request names a customer or project that does not exist or does not fit the rest of it; `errors[]` names the field. */
  | 'reference-invalid'
  /** The product has this version in the release register already; releases never change, register another version. */
  | 'release-exists'
  /** A download link was changed or not signed by Potik: ask for a new delivery, do not edit links. */
  | 'download-link-invalid'
  /** A download link's time has passed: ask the vendor for the release again. */
  | 'download-link-expired';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
