/**
 * All activities of the worker, built over injected dependencies. Platform activities (gate,
 * inbox, ledger, read model) are called by the interpreter; business activities are named by
 * definitions (see names.ts) and registered in `createBusinessActivities`, the one registry that
 * ties every name to its implementation.
 */
import { createActActivities } from './acts.ts';
import { createAuditActivities } from './audit/activities.ts';
import { createBillingActivities } from './billing.ts';
import { createCalibrationActivities } from './calibration/activities.ts';
import type { ActivityDeps, BusinessActivityInput } from './context.ts';
import { createContentActivities } from './content/activities.ts';
import { createEngagementActivities } from './engagements.ts';
import { createEntitlementActivities } from './entitlement.ts';
import { createExchangeActivities } from './exchange/activities.ts';
import { createRegularRunActivities } from './exchange/regular-runs.ts';
import { createGisActivities } from './gis/activities.ts';
import { createImportActivities } from './import/activities.ts';
import type { BusinessActivityName } from './names.ts';
import { createNotifyActivities } from './notify.ts';
import { createQuoteActivities } from './quotes.ts';
import { createReleaseActivities } from './release/activities.ts';
import { createSchemaChangeActivities } from './schema-change/activities.ts';
import { createTaskActivities } from './tasks.ts';
import { createTrainingActivities } from './training/activities.ts';
import { createWorkstationActivities } from './workstations/activities.ts';

export type { ActivityDeps } from './context.ts';

/** What a definition's `activity` step calls: one object parameter, a JSON-able result. */
export type BusinessActivity = (args: BusinessActivityInput<never>) => Promise<unknown>;

/**
 * Every business activity by name. A name of BUSINESS_ACTIVITIES without an implementation here
 * fails the typecheck (`satisfies`), and so does an implementation under a name names.ts does not
 * list (`unlisted`): what definitions may name and what the worker runs are the same set.
 */
export function createBusinessActivities(deps: ActivityDeps) {
  const activities = {
    ...createNotifyActivities(deps),
    ...createActActivities(deps),
    ...createAuditActivities(deps),
    ...createImportActivities(deps),
    ...createTrainingActivities(deps),
    ...createGisActivities(deps),
    ...createContentActivities(deps),
    ...createCalibrationActivities(deps),
    ...createReleaseActivities(deps),
    ...createSchemaChangeActivities(deps),
    ...createWorkstationActivities(deps),
    ...createExchangeActivities(deps),
  } satisfies Record<BusinessActivityName, BusinessActivity>;
  const unlisted: Record<Exclude<keyof typeof activities, BusinessActivityName>, never> = {};
  return { ...activities, ...unlisted };
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEntitlementActivities(deps),
    ...createTaskActivities(deps),
    ...createBillingActivities(deps),
    ...createEngagementActivities(deps),
    ...createQuoteActivities(deps),
    ...createRegularRunActivities(deps),
    ...createBusinessActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
