/**
 * `potik schedules list|describe|pause|unpause|trigger|backfill|delete`: what a PM or admin does
 * over `/v1/schedules`, straight on DATABASE_URL and the Temporal frontend (TEMPORAL_ADDRESS, else
 * 127.0.0.1:TEMPORAL_PORT), through the same queries, schedule calls and views as the API.
 */
import { Client, Connection, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { InvalidArgumentError, type Command } from 'commander';
import { deleteRegularSchedule } from '../../activities/exchange/regular-schedules.ts';
import { runView, scheduleView } from '../../api/schedule-view.ts';
import type { Pool } from '../../db/pool.ts';
import { selectRegularSchedule, selectRegularSchedules, selectScheduleRuns } from '../../db/queries/schedules.ts';
import { loadConfig } from '../../lib/config.ts';
import { withDatabase } from '../database.ts';
import { formatTable } from '../table.ts';

/** The CLI runs with the database's own rights: it sees every schedule, as an admin does. */
const ADMIN = { id: 'potik-cli', role: 'admin', category: null, groups: [] };

async function withTemporal<T>(work: (client: Client, pool: Pool) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const connection = await Connection.connect({
    address: config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`,
  });
  try {
    const client = new Client({ connection, namespace: config.temporalNamespace });
    return await withDatabase((pool) => work(client, pool));
  } finally {
    await connection.close();
  }
}

async function describeOrNull(client: Client, id: string) {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

async function viewOf(client: Client, pool: Pool, id: string) {
  const row = await selectRegularSchedule(pool, id);
  if (!row) throw new Error(`No schedule ${id}.`);
  const [description, runs] = await Promise.all([
    row.deleted_at ? null : describeOrNull(client, id),
    selectScheduleRuns(pool, id, 20),
  ]);
  return { row, view: scheduleView(row, description, runs[0] ?? null), runs: runs.map(runView) };
}

function isoTime(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('must be an ISO date or date-time, e.g. 2026-03-01.');
  return at;
}

const short = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '—');

export function registerSchedulesCommand(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('Operate the schedules of regular procedures (data exchanges, regular custom procedures)');

  schedules
    .command('list')
    .description('Every schedule: state, next run, last run and its outcome')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withTemporal(async (client, pool) => {
        const rows = await selectRegularSchedules(pool, ADMIN);
        const views = await Promise.all(rows.map(async (row) => (await viewOf(client, pool, row.id)).view));
        if (options.json) return void console.log(JSON.stringify(views, null, 2));
        const table = [['ID', 'KIND', 'STATE', 'NEXT RUN', 'LAST PERIOD', 'OUTCOME']];
        for (const v of views) {
          const state = v.deletedAt ? 'deleted' : v.paused === null ? 'missing' : v.paused ? 'paused' : 'active';
          table.push([v.id, v.kind, state, short(v.nextRuns[0]), short(v.lastRun?.period), v.lastRun?.outcome ?? '—']);
        }
        console.log(formatTable(table).join('\n'));
      });
    });

  schedules
    .command('describe <id>')
    .description('One schedule with its recent runs')
    .action(async (id: string) => {
      await withTemporal(async (client, pool) => {
        const { view, runs } = await viewOf(client, pool, id);
        console.log(JSON.stringify({ ...view, runs }, null, 2));
      });
    });

  for (const [name, description] of [
    ['pause', 'Pause a schedule; the note says why'],
    ['unpause', 'Resume a paused schedule; the note says why'],
  ] as const) {
    schedules
      .command(`${name} <id>`)
      .description(description)
      .option('--note <text>', 'why, for whoever looks next')
      .action(async (id: string, options: { note?: string }) => {
        await withTemporal(async (client, pool) => {
          const { row } = await viewOf(client, pool, id);
          if (row.deleted_at) throw new Error(`Schedule ${id} was deleted: ${row.deleted_reason}.`);
          const handle = client.schedule.getHandle(id);
          const note = options.note ?? `${name}d from the command line`;
          await (name === 'pause' ? handle.pause(note) : handle.unpause(note));
          console.log(`${id}: ${name}d (${note})`);
        });
      });
  }

  schedules
    .command('trigger <id>')
    .description('Run once now, as a period of its own')
    .action(async (id: string) => {
      await withTemporal(async (client) => {
        await client.schedule.getHandle(id).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
        console.log(`${id}: triggered`);
      });
    });

  schedules
    .command('backfill <id>')
    .description('Run every period between --from and --to (both included); periods done before are not redone')
    .requiredOption('--from <time>', 'first period, ISO', isoTime)
    .requiredOption('--to <time>', 'last period, ISO', isoTime)
    .action(async (id: string, options: { from: Date; to: Date }) => {
      if (options.to < options.from) throw new Error('--to must not be before --from.');
      await withTemporal(async (client) => {
        await client.schedule
          .getHandle(id)
          .backfill({ start: options.from, end: options.to, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
        console.log(`${id}: backfill of ${options.from.toISOString()} … ${options.to.toISOString()} started`);
      });
    });

  schedules
    .command('delete <id>')
    .description('Delete a schedule; its runs stay recorded')
    .option('--note <text>', 'why')
    .action(async (id: string, options: { note?: string }) => {
      await withTemporal(async (client, pool) => {
        await viewOf(client, pool, id);
        await deleteRegularSchedule(client, pool, id, options.note ?? 'deleted from the command line');
        console.log(`${id}: deleted`);
      });
    });
}
