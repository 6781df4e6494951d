import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSeedRunningEngagements, insertSeedTasks } from '../../db/queries/task-seed.ts';
import { apiClient, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/**
 * The task inbox over HTTP: its items are the tasks' own views, its keyset pages chain without gaps,
 * its filters (overdue, mine, my group, category) select what they say, and each role lists only
 * what it may see.
 */
describe('task inbox', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
    const hers = await insertSeedRunningEngagements(stack.pool, {
      customerId: 'kp-teplomerezha',
      serviceCode: 'X-IMPORT',
      definitionId: 'import',
      count: 3,
      launchedBy: 'olena.pm',
    });
    const others = await insertSeedRunningEngagements(stack.pool, {
      customerId: 'lubny-vodokanal',
      serviceCode: 'X-AUDIT',
      definitionId: 'audit',
      count: 2,
      launchedBy: 'admin',
    });
    const seed = (engagementIds: string[], batch: string, category: string | null, group: string | null) =>
      insertSeedTasks(stack.pool, { engagementIds, count: 12, category, group, user: null, batch });
    await seed(hers, 'eng1', 'ENG_I', null);
    await seed(others, 'eng1-other', 'ENG_I', null);
    await seed(hers, 'eng2', 'ENG_II', null);
    await seed(others, 'heads', null, 'heads');
    // Tasks in every state the view shows: claimed, overdue, completed with a result and an approval decision.
    await stack.pool.query(
      `UPDATE tasks SET status = 'claimed', claimed_by = 'andrii.eng1', instructions = 'Check the "Pipes" layer'
       WHERE id = 'seed-eng1-1'`,
    );
    await stack.pool.query(
      `UPDATE tasks SET due_at = now() - interval '2 hours' WHERE id IN ('seed-eng1-2', 'seed-eng1-3')`,
    );
    await stack.pool.query(`UPDATE tasks SET due_at = now() + interval '2 days' WHERE id = 'seed-eng1-4'`);
    await stack.pool.query(
      `UPDATE tasks SET status = 'completed', completed_by = 'andrii.eng1', completed_at = now(),
                        result = '{"answer": "Done", "layers": [1, 2]}', hours_spent = 1.5
       WHERE id = 'seed-eng1-5'`,
    );
    await stack.pool.query(
      `UPDATE tasks SET kind = 'approval', status = 'completed', completed_by = 'andrii.eng1', completed_at = now(),
                        decision = 'approve', hours_spent = 0.25, result = '{}'
       WHERE id = 'seed-eng1-6'`,
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Every page of `path` (which has a query string), following nextCursor; each answer checked by the contract. */
  async function allPages(user: string, path: string): Promise<{ items: ApiBody[]; pages: number }> {
    const client = apiClient(stack, user);
    const items: ApiBody[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client('GET', `${path}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      items.push(...(page.body.items as ApiBody[]));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor);
    return { items, pages };
  }

  it('when tasks in every state are listed, then each item is the task as its own view shows it, without the form, engagement and context', async () => {
    const { items } = await allPages('admin', '/v1/tasks?status=all&limit=200');
    expect(items).toHaveLength(48);
    const admin = apiClient(stack, 'admin');
    for (const item of items.filter((t) => String(t.id).startsWith('seed-eng1-') && !String(t.id).includes('other'))) {
      const { form, engagement, context, ...view } = (await admin('GET', `/v1/tasks/${item.id}`)).body as ApiBody;
      expect(form).toMatchObject({ type: 'object' });
      expect(engagement).toMatchObject({ id: item.engagementId, definitionId: 'import', serviceCode: 'X-IMPORT' });
      // Seeded rows were not opened by a workflow: they carry no context.
      expect(context).toBeNull();
      expect(item).toEqual(view);
    }
    const byId = new Map(items.map((t) => [t.id, t]));
    expect(byId.get('seed-eng1-1')).toMatchObject({ status: 'claimed', claimedBy: 'andrii.eng1', overdue: false });
    expect(byId.get('seed-eng1-2')).toMatchObject({ status: 'open', overdue: true });
    expect(byId.get('seed-eng1-4')).toMatchObject({ overdue: false });
    expect(byId.get('seed-eng1-5')).toMatchObject({ hoursSpent: 1.5, result: { answer: 'Done', layers: [1, 2] } });
    expect(byId.get('seed-eng1-6')).toMatchObject({ kind: 'approval', decision: 'approve', hoursSpent: 0.25 });
  });

  it('when the inbox is paged five at a time, then the pages chain oldest first without a gap or a repeat', async () => {
    const whole = await allPages('andrii.eng1', '/v1/tasks?limit=200');
    const paged = await allPages('andrii.eng1', '/v1/tasks?limit=5');
    // ENG_I tasks of both customers, less the two completed ones.
    expect(whole.items).toHaveLength(22);
    expect(whole.pages).toBe(1);
    expect(paged.pages).toBe(5);
    expect(paged.items.map((t) => t.id)).toEqual(whole.items.map((t) => t.id));
    const created = paged.items.map((t) => t.createdAt as string);
    expect([...created].sort()).toEqual(created);
  });

  it('when the filters are asked for, then overdue lists the late open tasks and status=all adds the completed', async () => {
    const overdue = await allPages('andrii.eng1', '/v1/tasks?overdue=true');
    expect(overdue.items.map((t) => t.id).sort()).toEqual(['seed-eng1-2', 'seed-eng1-3']);
    const all = await allPages('andrii.eng1', '/v1/tasks?status=all&limit=7');
    expect(all.items).toHaveLength(24);
    expect(all.items.filter((t) => t.status === 'completed').map((t) => t.id)).toEqual(['seed-eng1-5', 'seed-eng1-6']);
  });

  it('when the inbox is narrowed to mine, my group or a category, then it holds just those tasks', async () => {
    const ids = async (user: string, query: string) =>
      (await allPages(user, `/v1/tasks?${query}&limit=200`)).items.map((t) => t.id as string).sort();
    const seededIds = (batch: string) => Array.from({ length: 12 }, (_, n) => `seed-${batch}-${n + 1}`).sort();
    expect(await ids('andrii.eng1', 'assigned=me')).toEqual(['seed-eng1-1']);
    expect(await ids('andrii.eng1', 'assigned=me&status=all')).toEqual(['seed-eng1-1', 'seed-eng1-5', 'seed-eng1-6']);
    expect(await ids('andrii.eng1', 'assigned=group')).toEqual([]);
    expect(await ids('iryna.lead', 'assigned=group')).toEqual(seededIds('heads'));
    expect(await ids('olena.pm', 'category=ENG_II')).toEqual(seededIds('eng2'));
    // A filter never widens what the caller may see.
    expect(await ids('taras.eng2', 'category=ENG_I')).toEqual([]);
    const unknown = await apiClient(stack, 'andrii.eng1')('GET', '/v1/tasks?category=ENG_III');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ path: 'category' }));
  });

  it('when each role lists its inbox, then it holds only the tasks that role may see', async () => {
    const ids = async (user: string) => (await allPages(user, '/v1/tasks?status=all&limit=200')).items.map((t) => t.id);
    const seededIds = (batch: string) => Array.from({ length: 12 }, (_, n) => `seed-${batch}-${n + 1}`);
    expect(new Set(await ids('taras.eng2'))).toEqual(new Set(seededIds('eng2')));
    // A lead engineer is in the `heads` group: its tasks, and no category's.
    expect(new Set(await ids('iryna.lead'))).toEqual(new Set(seededIds('heads')));
    // The PM sees the tasks of the engagements she launched, of every category, and no one else's.
    expect(new Set(await ids('olena.pm'))).toEqual(new Set([...seededIds('eng1'), ...seededIds('eng2')]));
    // Finance has no inbox: the role table refuses the route itself.
    expect((await apiClient(stack, 'maria.finance')('GET', '/v1/tasks')).status).toBe(403);
  });
});
