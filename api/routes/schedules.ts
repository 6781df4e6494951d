/**
 * Schedules of regular procedures (docs/exchange.md): list with next runs and last outcome,
 * describe with recent runs, pause and unpause with a note, trigger a run now, backfill a period,
 * delete. PMs and admins (api/authorization.ts); a schedule is visible to whoever sees the
 * engagement that owns it, and otherwise does not exist (404).
 */
import { Router } from 'express';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import { deleteRegularSchedule } from '../../activities/exchange/regular-schedules.ts';
import {
  selectRegularSchedule,
  selectRegularSchedules,
  selectScheduleRuns,
  type RegularScheduleRow,
} from '../../db/queries/schedules.ts';
import { AppError } from '../../lib/errors.ts';
import { callerOf, type Caller } from '../auth.ts';
import type { RouteDeps } from '../app.ts';
import { refuseField } from '../field-errors.ts';
import { runView, scheduleView } from '../schedule-view.ts';
import { visibleEngagement } from './engagements.ts';

/** Body of pause, unpause and delete: why, for whoever looks next. */
export interface ScheduleNoteBody {
  note?: string;
}

/** Body of a backfill: the period whose runs are made, both ends included. */
export interface BackfillBody {
  from: string;
  to: string;
}

/** The longest backfill one request may ask for: a year of periods. */
const MAX_BACKFILL_MS = 366 * 24 * 3600 * 1000;

function note(body: unknown): string | undefined {
  const value = (body as ScheduleNoteBody | undefined)?.note;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 500) refuseField('note', 'must be text of at most 500 characters');
  return value.trim() || undefined;
}

function instant(body: Record<string, unknown>, field: 'from' | 'to'): Date {
  const value = body[field];
  const at = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (typeof value !== 'string' || Number.isNaN(at.getTime())) refuseField(field, 'must be an ISO date-time');
  return at;
}

export function scheduleRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool, temporal } = deps;

  const describe = async (id: string): Promise<ScheduleDescription | null> => {
    try {
      return await temporal.client.schedule.getHandle(id).describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  };

  const visibleSchedule = async (caller: Caller, id: string): Promise<RegularScheduleRow> => {
    const row = id.length <= 200 ? await selectRegularSchedule(pool, id) : null;
    if (!row) throw new AppError('not-found', `No schedule ${id} that you can see.`);
    try {
      await visibleEngagement(deps, caller, row.engagement_id);
    } catch {
      throw new AppError('not-found', `No schedule ${id} that you can see.`);
    }
    return row;
  };

  /** A live schedule Temporal still has, for the operations that change it. */
  const liveSchedule = async (caller: Caller, id: string) => {
    const row = await visibleSchedule(caller, id);
    if (row.deleted_at) throw new AppError('schedule-deleted', `Schedule ${id} was deleted: ${row.deleted_reason}.`);
    const description = await describe(id);
    if (!description) throw new AppError('schedule-deleted', `Temporal has no schedule ${id} any more.`);
    return { row, handle: temporal.client.schedule.getHandle(id), description };
  };

  const view = async (row: RegularScheduleRow) => {
    const [description, runs] = await Promise.all([
      row.deleted_at ? null : describe(row.id),
      selectScheduleRuns(pool, row.id, 1),
    ]);
    return scheduleView(row, description, runs[0] ?? null);
  };

  router.get('/', async (req, res) => {
    const caller = callerOf(req);
    const rows = await selectRegularSchedules(pool, caller);
    res.json({ items: await Promise.all(rows.map(view)) });
  });

  router.get('/:id', async (req, res) => {
    const row = await visibleSchedule(callerOf(req), String(req.params.id));
    const runs = await selectScheduleRuns(pool, row.id, 50);
    res.json({ ...(await view(row)), runs: runs.map(runView) });
  });

  router.post('/:id/pause', async (req, res) => {
    const caller = callerOf(req);
    const { row, handle } = await liveSchedule(caller, String(req.params.id));
    await handle.pause(note(req.body) ?? `paused by ${caller.id}`);
    res.json(await view(row));
  });

  router.post('/:id/unpause', async (req, res) => {
    const caller = callerOf(req);
    const { row, handle } = await liveSchedule(caller, String(req.params.id));
    await handle.unpause(note(req.body) ?? `unpaused by ${caller.id}`);
    res.json(await view(row));
  });

  router.post('/:id/trigger', async (req, res) => {
    const { row, handle } = await liveSchedule(callerOf(req), String(req.params.id));
    // One run now, whatever runs already: a period of its own (the time of the trigger).
    await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    res.status(202).json({ id: row.id, triggered: true });
  });

  router.post('/:id/backfill', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const from = instant(body, 'from');
    const to = instant(body, 'to');
    if (to.getTime() < from.getTime()) refuseField('to', 'must not be before from');
    if (to.getTime() - from.getTime() > MAX_BACKFILL_MS) refuseField('to', 'a backfill covers at most 366 days');
    const { row, handle } = await liveSchedule(callerOf(req), String(req.params.id));
    // Every period of the range runs, one after another; a period that succeeded before writes nothing again.
    await handle.backfill({ start: from, end: to, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
    res.status(202).json({ id: row.id, from: from.toISOString(), to: to.toISOString() });
  });

  router.delete('/:id', async (req, res) => {
    const caller = callerOf(req);
    const row = await visibleSchedule(caller, String(req.params.id));
    if (!row.deleted_at)
      await deleteRegularSchedule(temporal.client, pool, row.id, note(req.body) ?? `deleted by ${caller.id}`);
    res.status(204).end();
  });

  return router;
}
