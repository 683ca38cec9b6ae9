// Two processes on one database (issue 11 item 11), as behind a load balancer: every submission is sent to both
// at the same moment with the same Idempotency-Key (a phone retrying through another instance). Both answer the
// same AIN, it is stored once, and the two dispatchers send its "received" SMS once between them.
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase } from '../support/server.ts';
import { loginCookie, report, seedDocumentSets, sleep, startServerProcess, statusSummary, submissionLoad, tally, type ServerProcess } from './support.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let a: ServerProcess;
let b: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: db.url }), startServerProcess({ DATABASE_URL: db.url })]);
  sql = postgres(...postgresOptions(db.url, { max: 1, onnotice: () => {} }));
});
afterAll(async () => {
  a?.child.kill('SIGKILL');
  b?.child.kill('SIGKILL');
  await sql?.end();
  await db?.drop();
});

test('150 submissions, each sent to both processes at once: one AIN each, stored once, its SMS sent once', async () => {
  const sets = await seedDocumentSets(sql, 'demo-citizen', 150);
  const cookie = await loginCookie(a.url); // sessions live in the database: one login serves both
  const result = await submissionLoad({ targets: () => [a.url, b.url], cookie: () => cookie, documentSets: sets, concurrency: 8, deadline: Date.now() + 120_000 });
  const t = await tally(sql, result);

  const ains = [...result.acknowledged.values()];
  while ((await sql`select 1 from outbox where status = 'pending' and application_id is not null limit 1`).length) await sleep(200);
  const sms = await sql<{ n: number }[]>`
    select count(m.id)::int as n from unnest(${ains}::text[]) as x(ain) left join dev_messages m on m.channel = 'sms' and m.body like '%' || x.ain || '%'
    group by x.ain`;
  const sentOnce = sms.filter((r) => r.n === 1).length;
  report('two processes on one database', t, { statuses: statusSummary(result), 'SMS sent once': `${sentOnce}/${ains.length}` });

  expect(result.statuses.get(200)).toBeGreaterThan(0); // the second process's answer was a replay, not a new one
  // And nothing else: the copy that loses the race is a replay too, never an error for documents its twin attached.
  expect([...result.statuses.keys()].filter((s) => s !== 200 && s !== 201)).toEqual([]);
  expect(t).toEqual({ sent: 150, acknowledged: 150, stored: 150, duplicates: 0, lost: 0, mismatched: 0, conflicts: 0 });
  expect(sentOnce).toBe(ains.length);
  expect(a.alive() && b.alive()).toBe(true);
});
