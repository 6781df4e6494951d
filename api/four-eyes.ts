/**
 * A four-eyes refusal a reviewer can act on: besides "you may not approve this", it names who may
 * (the users the task's assignee admits, less those the rule excludes), so the work does not stop
 * at a refusal nobody can get past.
 */
import type { Pool } from '../db/pool.ts';
import type { TaskRow } from '../db/queries/tasks.ts';
import { selectUsersWhoMayAct } from '../db/queries/users.ts';
import { AppError } from '../lib/errors.ts';

/** The refusal of the workflow's validator, completed with who may approve instead. */
export async function fourEyesRefusal(
  pool: Pool,
  task: TaskRow,
  caller: string,
  refusal: { message: string; excludedUsers: readonly string[] },
): Promise<AppError> {
  const excluded = [...new Set([...refusal.excludedUsers, caller])];
  const users = await selectUsersWhoMayAct(
    pool,
    {
      user: task.assignee_user,
      group: task.assignee_group,
      category: task.assignee_category,
      role: task.assignee_role,
    },
    excluded,
  );
  const named = (list: typeof users) => list.map((u) => `${u.name} (${u.id})`).join(', ');
  const peers = users.filter((u) => u.role !== 'admin');
  const admins = users.filter((u) => u.role === 'admin');
  const who = [
    peers.length ? named(peers) : 'no one else of the assignees',
    ...(admins.length ? [`an admin: ${named(admins)}`] : []),
  ].join('; or ');
  return new AppError('four-eyes-violation', `${refusal.message} It can be approved by ${who}.`, {
    mayApprove: users.map((u) => u.id),
  });
}
