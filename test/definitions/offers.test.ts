import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { insertDefinition, selectDefinition, updateDefinitionOffer } from '../../db/queries/definitions.ts';
import { PLANNED_ACTIVITY_NAMES } from '../../activities/names.ts';
import { inspectDefinition, loadDefinition } from '../../definitions/loader.ts';
import { activitiesOf } from '../../definitions/offers.ts';
import { CATALOG_DIR, publishCatalog } from '../../definitions/publish.ts';
import { createLogger } from '../../lib/logger.ts';
import { createEngagementWorker } from '../../worker/create-worker.ts';
import { PROBE_ACTIVITY_NAMES } from '../helpers/probe-activities.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The catalog offers only what the worker can run: definitions naming work still to come are listed
 * as not offered yet and refused at launch, publishing refuses them with the position, and a worker
 * refuses to start under offered definitions it cannot run.
 */

/** Catalog definitions naming an activity still to come, with that activity: derived, so offering one needs no edit here. */
const WITHDRAWN = readdirSync(CATALOG_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) => {
    const { snapshot } = inspectDefinition(readFileSync(join(CATALOG_DIR, name), 'utf8'), name).compiled;
    const planned = activitiesOf(snapshot).filter((activity) => PLANNED_ACTIVITY_NAMES.has(activity));
    return planned.length > 0 ? [[snapshot.id, planned[0]!] as const] : [];
  });

const PLANNED = `id: api-exchange
version: 1
title: Exchange over the API
service: X-EXCH
inputs: { type: object }
steps:
  - id: publish
    kind: activity
    activity: exchange.testInterface
`;

const RUNS_EXCHANGE = `id: api-integration
version: 1
title: Integration over the API
service: X-INTEGR
inputs: { type: object }
steps:
  - id: connect
    kind: subprocess
    definition: minimal
    version: 1
`;

const YAML = { 'content-type': 'application/yaml' };

describe('definitions not offered yet', () => {
  let stack: TestStack;
  /** Takes version 1 of a definition out of the offer, as the catalog does with work still to come. */
  const withdraw = (id: string) =>
    updateDefinitionOffer(stack.pool, {
      id,
      version: 1,
      notOfferedReason: `${id} version 1 is not offered yet (test)`,
    });
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a PM lists the catalog, then each definition naming work still to come is there, not offered, with the step that names it', async () => {
    const { status, body } = await apiClient(stack, 'olena.pm')('GET', '/v1/definitions');
    expect(status).toBe(200);
    const items = body.items as { id: string; offered: boolean; notOfferedReason?: string }[];
    // Every activity the catalog names exists today, so nothing in it waits for work still to come.
    expect(WITHDRAWN).toEqual([]);
    for (const [id, activity] of WITHDRAWN) {
      const item = items.find((i) => i.id === id);
      expect(item, id).toMatchObject({ offered: false });
      expect(item!.notOfferedReason).toMatch(
        new RegExp(
          `definitions/catalog/[a-z-]+\\.yaml:\\d+:\\d+: step '[a-z-]+': activity '${activity}' is not implemented yet`,
        ),
      );
    }
    // Integration runs the data exchange as a subprocess: offered since the exchange is.
    expect(items.find((i) => i.id === 'integration')).toMatchObject({ offered: true });
    const offered = items.filter((i) => i.offered).map((i) => i.id);
    expect(offered).toEqual(expect.arrayContaining(['minimal', 'data-import', 'db-audit', 'reprojection', 'training']));
    expect(items.filter((i) => i.offered).every((i) => i.notOfferedReason === undefined)).toBe(true);
  });

  it('when a PM launches a definition not offered yet, then 409 says so and no engagement is made', async () => {
    const pm = apiClient(stack, 'olena.pm');
    await withdraw('minimal');
    for (const id of ['minimal']) {
      const response = await pm('POST', '/v1/engagements', {
        definitionId: id,
        customerId: 'kp-vodokanal',
        params: {},
      });
      expect(response.status, id).toBe(409);
      expect(response.contentType).toContain('application/problem+json');
      expect(response.body).toMatchObject({ type: expect.stringContaining('definition-not-offered') });
      expect(response.body.detail).toContain(`${id} version 1 is not offered yet`);
    }
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM engagements WHERE definition_id IN ('minimal')`,
    );
    expect(rows[0].n).toBe(0);
    await updateDefinitionOffer(stack.pool, { id: 'minimal', version: 1, notOfferedReason: null });
  });

  it('when an admin publishes or validates a definition running one not offered, or naming no activity, then 422 names the step', async () => {
    const admin = apiClient(stack, 'admin');
    await withdraw('minimal');
    for (const path of ['/v1/definitions', '/v1/definitions/validate']) {
      const subprocess = await admin('POST', path, RUNS_EXCHANGE, YAML);
      expect(subprocess.status, path).toBe(422);
      expect(subprocess.body.errors).toEqual([
        expect.objectContaining({
          line: 9,
          column: 17,
          message: expect.stringContaining("'minimal' version 1 is not offered yet"),
        }),
      ]);
      const unknown = await admin('POST', path, PLANNED.replace('exchange.testInterface', 'foo.bar'), YAML);
      expect(unknown.status, path).toBe(422);
      expect(unknown.body.errors).toEqual([
        expect.objectContaining({ line: 9, column: 15, message: "step 'publish': there is no activity 'foo.bar'" }),
      ]);
    }
    expect(await selectDefinition(stack.pool, 'api-exchange', null)).toBeNull();
    await updateDefinitionOffer(stack.pool, { id: 'minimal', version: 1, notOfferedReason: null });
  });

  it('when the catalog is published again, then whether each version is offered follows the work that exists, whatever the database said', async () => {
    await updateDefinitionOffer(stack.pool, { id: 'minimal', version: 1, notOfferedReason: 'stale' });
    const report = await publishCatalog(stack.pool);
    expect(report.published).toEqual([]);
    expect(report.notOffered.map((line) => line.split(':')[0]).sort()).toEqual(
      WITHDRAWN.map(([id]) => `${id}@1`).sort(),
    );
    expect((await selectDefinition(stack.pool, 'minimal', 1))!.not_offered_reason).toBeNull();
  });

  it('when an offered definition names an activity the worker does not implement, then the worker does not start and names the step', async () => {
    const source = PLANNED.replace('api-exchange', 'probe-run').replace('exchange.testInterface', 'probe.echo');
    const compiled = loadDefinition(source, 'probe-run.yaml', { activities: PROBE_ACTIVITY_NAMES });
    await insertDefinition(stack.pool, { source, compiled, publishedBy: 'test' });
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    try {
      const start = createEngagementWorker({
        connection,
        namespace: 'default',
        taskQueue: `${stack.taskQueue}-refused`,
        deps: { pool: stack.pool, logger: createLogger('silent', 'test'), vendorVatPayer: true },
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      await expect(start).rejects.toThrow(
        /does not implement every activity the offered definitions name[^]*\nprobe-run@1:9:15: step 'publish': there is no activity 'probe\.echo'/,
      );
    } finally {
      await connection.close();
    }
  });
});
