// An officer acting on an application while the SLA sweep records the same application's breach (api/sla/sweeper.ts,
// api/applications/act.ts). The sweep's insert into sla_breaches checks its foreign key at the end of the statement,
// taking a KEY SHARE lock on the application's row after its own unique key entry is in; an officer's action holds
// that row locked and records the late step under the same unique key. When the officer's lock was FOR UPDATE, which
// KEY SHARE waits for, each waited for the other and PostgreSQL aborted one of them (40P01): now and then an
// officer's approval answered 500 at the moment of a sweep. Only a shared database has two connections to interleave.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lockApplication } from '../../api/applications/access.ts';
import { recordBreaches, recordLateStep } from '../../api/sla/breaches.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { sharedDatabase, startTestServer, type TestServer } from '../support/server.ts';

describe.skipIf(!sharedDatabase)('an officer and the sweep on one application at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SLA_SWEEP_INTERVAL_SECONDS: '0' }, { dispatchIntervalMs: 0 });
  });
  afterAll(() => server.close());

  test('the sweep records the breach while the officer holds the row, and the officer then finds it recorded: neither is aborted', async () => {
    const sql = server.runtime.deps.sql;
    const citizen = await loginClient(server.url, 'demo-citizen');
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents: await uploadDocumentSet(citizen, server.origin) }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    const ain: string = res.body.ain;
    const now = server.clock.now();
    const [app] = await sql<{ id: string }[]>`update applications set step_due_at = ${new Date(now.getTime() - 3_600_000)} where ain = ${ain} returning id::text`;

    const officer = await sql.reserve();
    const sweeper = await sql.reserve();
    try {
      await officer`begin`;
      await sweeper`begin`;
      const [{ pid }] = (await sweeper`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
      // The officer's action takes the application's row first (as actOnApplication does)…
      await lockApplication(officer, ain);
      // …the sweep's statement runs meanwhile…
      let settled = false;
      const swept = recordBreaches(sweeper, 'responsible', now).finally(() => (settled = true));
      for (let i = 0; i < 100 && !settled; i++) {
        const [waiting] = await sql`select 1 from pg_stat_activity where pid = ${pid} and wait_event_type = 'Lock'`;
        if (waiting) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // …then the officer records the step left late, under the breach's unique key, and each transaction commits.
      const late = recordLateStep(officer, app!.id, now);
      const [sweep, action] = await Promise.allSettled([
        swept.then(async (events) => (await sweeper`commit`, events)),
        late.then(() => officer`commit`)
      ]);
      expect(sweep.status === 'rejected' ? String(sweep.reason) : 'committed', 'the sweep').toBe('committed');
      expect(action.status === 'rejected' ? String(action.reason) : 'committed', "the officer's action").toBe('committed');
      expect(sweep.status === 'fulfilled' && sweep.value.map((e) => e.ain)).toEqual([ain]);
      const breaches = await sql`select 1 from sla_breaches where application_id = ${app!.id} and level = 'responsible'`;
      expect(breaches).toHaveLength(1);
    } finally {
      await officer`rollback`.catch(() => {});
      await sweeper`rollback`.catch(() => {});
      officer.release();
      sweeper.release();
    }
  });
});
