// PostgreSQL restarted three times under a write load (issue 11 items 1 and 11), on a private cluster. The
// process survives (postgres.js crashed it with a null socket write before the patch in patches/), answers 503
// with Retry-After while the database is away (never a 500), is ready again within 5 s of the database, and every
// acknowledged submission is stored exactly once.
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPrivateCluster, type PrivateCluster } from '../support/pg-cluster.ts';
import { loginCookie, report, seedDocumentSets, sleep, startServerProcess, statusSummary, submissionLoad, tally, type ServerProcess } from './support.ts';

let cluster: PrivateCluster;
let server: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  cluster = await createPrivateCluster();
  server = await startServerProcess({ DATABASE_URL: cluster.url });
  sql = postgres(...postgresOptions(cluster.url, { max: 1, onnotice: () => {} }));
});
afterAll(async () => {
  if (server && !server.alive()) console.log(server.output().slice(-3000));
  server?.child.kill('SIGKILL');
  await sql?.end({ timeout: 1 }).catch(() => {});
  cluster?.destroy();
});

test('three restarts under 200 submissions at concurrency 10: no crash, 503 + Retry-After meanwhile, ready within 5 s, nothing lost or doubled', async () => {
  const sets = await seedDocumentSets(sql, 'demo-citizen', 200);
  const cookie = await loginCookie(server.url);
  let acked = 0;
  const load = submissionLoad({ targets: () => [server.url], cookie: () => cookie, documentSets: sets, concurrency: 10, deadline: Date.now() + 150_000, onAck: (n) => (acked = n) });

  const recoveries: number[] = [];
  const during: { ready: number; live: number }[] = [];
  for (const [i, mode] of (['fast', 'immediate', 'fast'] as const).entries()) {
    while (acked < 40 * (i + 1)) await sleep(50);
    cluster.stop(mode);
    await sleep(1_500); // the load keeps coming while the database is away
    during.push({ ready: (await fetch(server.url + '/api/health/ready')).status, live: (await fetch(server.url + '/api/health/live')).status });
    cluster.start();
    const back = Date.now();
    while ((await fetch(server.url + '/api/health/ready')).status !== 200) await sleep(50);
    recoveries.push(Date.now() - back);
  }
  const result = await load;
  const t = await tally(sql, result);
  report('postgresql restarted 3× under write load', t, { statuses: statusSummary(result), 'ready again after (ms)': recoveries.join(', ') });

  expect(server.alive(), server.output()).toBe(true);
  expect(during).toEqual([{ ready: 503, live: 200 }, { ready: 503, live: 200 }, { ready: 503, live: 200 }]);
  expect(result.statuses.get(500) ?? 0).toBe(0);
  expect(result.retryAfter.of).toBeGreaterThan(0); // the outage was seen by the load…
  expect(result.retryAfter.with).toBe(result.retryAfter.of); // …and every 503 said when to come back
  for (const ms of recoveries) expect(ms).toBeLessThan(5_000);
  expect(t).toEqual({ sent: 200, acknowledged: 200, stored: 200, duplicates: 0, lost: 0, mismatched: 0, conflicts: 0 });
});
