// An officer acting on an application while the SLA sweep records the same application's breach (api/sla/sweeper.ts,
// api/applications/act.ts). The sweep's insert into sla_breaches checks its foreign key at the end of the statement,
// taking a KEY SHARE lock on the application's row after its own unique key entry is in; an officer's action holds
// that row locked and records the late step under the same unique key. When the officer's lock was FOR UPDATE, which
// KEY SHARE waits for, each waited for the other and PostgreSQL aborted one of them (40P01): now and then an
// officer's approval answered 500 at the moment of a sweep. The same holds for the officers' `users` rows, which the
// sweep's messages refer to. Only a shared database has the connections to interleave.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lockApplication } from '../../api/applications/access.ts';
import { recordBreaches, recordLateStep } from '../../api/sla/breaches.ts';
import { repostStaff } from '../../api/users/lifecycle.ts';
import { getUser } from '../../api/users/user.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { sharedDatabase, startTestServer, type TestServer } from '../support/server.ts';

describe.skipIf(!sharedDatabase)('an officer and the sweep on one application at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SLA_SWEEP_INTERVAL_SECONDS: '0' }, { dispatchIntervalMs: 0 });
  });
  afterAll(() => server.close());

  /** A new application whose scrutiny is an hour late. */
  async function lateApplication(): Promise<{ id: string; ain: string }> {
    const citizen = await loginClient(server.url, 'demo-citizen');
    const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents: await uploadDocumentSet(citizen, server.origin) }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    const sql = server.runtime.deps.sql;
    const [app] = await sql<{ id: string }[]>`update applications set step_due_at = ${new Date(server.clock.now().getTime() - 3_600_000)} where ain = ${res.body.ain} returning id::text`;
    return { id: app!.id, ain: res.body.ain };
  }

  /**
   * Waits until the promise settles or a backend of this test's database running `query` (a LIKE pattern) waits for a
   * lock, 10 s at most: whether it was seen waiting.
   */
  async function untilBlocked(promise: Promise<unknown>, query: string): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true), () => (settled = true));
    const sql = server.runtime.deps.sql;
    for (let i = 0; i < 500 && !settled; i++) {
      const waiting = await sql`
        select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like ${query}`;
      if (waiting.length) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Two transactions on connections of their own, each rolled back at the end if still open. */
  async function twoConnections(run: (a: Reserved, b: Reserved) => Promise<void>) {
    const sql = server.runtime.deps.sql;
    const held: Reserved[] = [];
    try {
      held.push(await sql.reserve());
      held.push(await sql.reserve());
      // A lock that is waited for where the code under test no longer waits fails the test in seconds, not at its timeout.
      for (const c of held) {
        await c`begin`;
        await c`set local lock_timeout = '10s'`;
      }
      await run(held[0]!, held[1]!);
    } finally {
      for (const c of held) {
        await c`rollback`.catch(() => {});
        c.release();
      }
    }
  }
  type Reserved = Awaited<ReturnType<typeof server.runtime.deps.sql.reserve>>;
  const outcome = (p: PromiseSettledResult<unknown>) => (p.status === 'rejected' ? String(p.reason) : 'committed');

  test('the sweep records the breach while the officer holds the row, and the officer then finds it recorded: neither is aborted', async () => {
    const sql = server.runtime.deps.sql;
    const app = await lateApplication();
    const now = server.clock.now();
    await twoConnections(async (officer, sweeper) => {
      // The officer's action takes the application's row first (as actOnApplication does)…
      await lockApplication(officer, app.ain);
      // …the sweep's statement runs meanwhile…
      const swept = recordBreaches(sweeper, 'responsible', now);
      await untilBlocked(swept, '%insert into sla_breaches%');
      // …then the officer records the step left late, under the breach's unique key, and each transaction commits.
      const late = recordLateStep(officer, app.id, now);
      const [sweep, action] = await Promise.allSettled([swept.then(async (events) => (await sweeper`commit`, events)), late.then(() => officer`commit`)]);
      expect(outcome(sweep), 'the sweep').toBe('committed');
      expect(outcome(action), "the officer's action").toBe('committed');
      expect(sweep.status === 'fulfilled' && sweep.value.map((e) => e.ain)).toEqual([app.ain]);
    });
    expect(await sql`select 1 from sla_breaches where application_id = ${app.id} and level = 'responsible'`).toHaveLength(1);
  });

  test("a transfer of the officer the sweep is writing to, while another officer holds an application the transfer changes: all three commit", async () => {
    // The BDO took this application over on escalation (handler_id), and is now transferred, which hands it back.
    const sql = server.runtime.deps.sql;
    const app = await lateApplication();
    await sql`update applications set handler_id = 'demo-bdo' where id = ${app.id}`;
    const admin = (await getUser(sql, 'demo-admin'))!;
    const now = server.clock.now();
    await twoConnections(async (officer, sweeper) => {
      await lockApplication(officer, app.ain);
      // The sweep records the breach (the officer's NO KEY UPDATE lets its foreign-key check through)…
      await recordBreaches(sweeper, 'responsible', now);
      // …the transfer locks the BDO's row and waits for the application's…
      const transfer = repostStaff(sql, admin, 'demo-bdo', { officeId: 'n24pgs/barasat-sadar/deganga', remarks: 'Transferred' }, now);
      expect(await untilBlocked(transfer, '%set handler_id = null%'), 'the transfer waits for the application').toBe(true);
      // …the sweep writes its message to the BDO, whose row the transfer holds…
      const message = { channel: 'sms', recipient: '+919830000001', lang: 'en', template: 'escalation', body: 'late', application_id: app.id, user_id: 'demo-bdo', next_attempt_at: now, created_at: now };
      const messaged = sweeper`insert into outbox ${sweeper(message)}`;
      await untilBlocked(messaged, 'insert into outbox%');
      // …and the officer records the late step under the key the sweep wrote.
      const late = recordLateStep(officer, app.id, now);
      const [sweep, action, transferred] = await Promise.allSettled([messaged.then(() => sweeper`commit`), late.then(() => officer`commit`), transfer]);
      expect(outcome(sweep), 'the sweep').toBe('committed');
      expect(outcome(action), "the officer's action").toBe('committed');
      expect(outcome(transferred), 'the transfer').toBe('committed');
    });
    expect((await getUser(sql, 'demo-bdo'))!.officeId).toBe('n24pgs/barasat-sadar/deganga');
    expect(await sql`select 1 from outbox where application_id = ${app.id} and body = 'late'`).toHaveLength(1);
  });
});
