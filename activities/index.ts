/**
 * All activities of the worker, built over injected dependencies. Platform activities (gate,
 * inbox, ledger, read model) are called by the interpreter; business activities are named by
 * definitions (see names.ts).
 */
import { createActActivities } from './acts.ts';
import { createAuditActivities } from './audit/activities.ts';
import { createBillingActivities } from './billing.ts';
import { createCalibrationActivities } from './calibration/activities.ts';
import type { ActivityDeps } from './context.ts';
import { createEngagementActivities } from './engagements.ts';
import { createEntitlementActivities } from './entitlement.ts';
import { createGisActivities } from './gis/activities.ts';
import { createImportActivities } from './import/activities.ts';
import { createNotifyActivities } from './notify.ts';
import { createQuoteActivities } from './quotes.ts';
import { createTaskActivities } from './tasks.ts';
import { createTrainingActivities } from './training/activities.ts';

export type { ActivityDeps } from './context.ts';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEntitlementActivities(deps),
    ...createTaskActivities(deps),
    ...createBillingActivities(deps),
    ...createEngagementActivities(deps),
    ...createNotifyActivities(deps),
    ...createQuoteActivities(deps),
    ...createAuditActivities(deps),
    ...createImportActivities(deps),
    ...createActActivities(deps),
    ...createTrainingActivities(deps),
    ...createGisActivities(deps),
    ...createCalibrationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
