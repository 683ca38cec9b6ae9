// kill -9 of the server under a write load (issue 11 item 11): the load retries every unacknowledged submission
// with the same Idempotency-Key until a new process on the same database and port answers. Whatever was
// acknowledged before a kill is stored, once; what was in flight is either stored and replayed, or done anew.
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase } from '../support/server.ts';
import { loginCookie, report, seedDocumentSets, sleep, startServerProcess, statusSummary, submissionLoad, tally, type ServerProcess } from './support.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServerProcess({ DATABASE_URL: db.url });
  sql = postgres(...postgresOptions(db.url, { max: 1, onnotice: () => {} }));
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await sql?.end();
  await db?.drop();
});

test('kill -9 under 200 submissions at concurrency 10, retried with the same Idempotency-Key: nothing acknowledged lost or doubled', async () => {
  const sets = await seedDocumentSets(sql, 'demo-citizen', 200);
  const cookie = await loginCookie(server.url);
  let acked = 0;
  const load = submissionLoad({ targets: () => [server.url], cookie: () => cookie, documentSets: sets, concurrency: 10, deadline: Date.now() + 150_000, onAck: (n) => (acked = n) });
  for (const at of [80]) {
    while (acked < at) await sleep(20);
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    server = await startServerProcess({ DATABASE_URL: db.url }, { port: server.port, dataDir: server.dataDir });
  }
  const result = await load;
  const t = await tally(sql, result);
  report('kill -9 under write load', t, { statuses: statusSummary(result) });
  expect(result.statuses.get('network') ?? 0).toBeGreaterThan(0); // the kills did cut requests
  expect(t).toEqual({ sent: 200, acknowledged: 200, stored: 200, duplicates: 0, lost: 0, mismatched: 0, conflicts: 0 });
});
