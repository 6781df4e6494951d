/**
 * Whether the work a definition names exists: every `activity` step names an activity the worker
 * implements, and every `subprocess` step a definition that is published and offered. A name nobody
 * knows is a defect; an activity whose work is still to come (PLANNED_ACTIVITIES), or a subprocess
 * that is not offered, keeps the definition from being offered (docs/catalog.md).
 */
import { BUSINESS_ACTIVITY_NAMES } from '../activities/names.ts';
import type { CheckContext } from './check-context.ts';
import { didYouMean } from './suggest.ts';

export function checkOffer(ctx: CheckContext): void {
  for (const { step, path } of ctx.layout.sites) {
    if (step.kind === 'activity' && !ctx.activities.has(step.activity)) {
      const name = step.activity;
      if (ctx.planned.has(name)) {
        ctx.reportNotOffered(
          [...path, 'activity'],
          `activity '${name}' is not implemented yet, so the definition cannot be offered`,
          'its work is still to come (PLANNED_ACTIVITIES in activities/names.ts); until then the catalog lists the definition as not offered yet',
        );
      } else if (BUSINESS_ACTIVITY_NAMES.has(name)) {
        ctx.report(
          [...path, 'activity'],
          `activity '${name}' is not implemented by this worker`,
          'run a worker of the version that published the definition',
        );
      } else {
        ctx.report(
          [...path, 'activity'],
          `there is no activity '${name}'`,
          didYouMean(name, ctx.activities) ?? 'see activities/names.ts for the list',
        );
      }
    }
    if (step.kind === 'subprocess' && ctx.subprocessProblem) {
      const problem = ctx.subprocessProblem(step.definition, step.version);
      if (problem !== undefined) ctx.reportNotOffered([...path, 'definition'], problem);
    }
  }
}
