// A full disk under the database (issue 11 item 11): a private PostgreSQL cluster on a 48 MB tmpfs, filled to its
// last half megabyte, and kept full, while 200 submissions come in. Statements that cannot extend a file fail,
// and the WAL writer may PANIC and take every connection down; the service answers 503 meanwhile and never
// acknowledges what it did not commit. Space is freed (and the cluster started again if it stopped); the retries
// then complete, and everything acknowledged is stored once.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createPrivateCluster, type PrivateCluster } from '../support/pg-cluster.ts';
import { loginCookie, report, seedDocumentSets, sleep, startServerProcess, statusSummary, submissionLoad, tally, type ServerProcess } from './support.ts';

const asRoot = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync(cmd, args, { stdio: 'pipe' }) : execFileSync('sudo', ['-n', cmd, ...args], { stdio: 'pipe' });
const mountpoint = mkdtempSync(join(tmpdir(), 'orc-fulldisk-'));
let cluster: PrivateCluster;
let server: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  // Mounting needs root; as another user, passwordless sudo (as CI has). The error says so if both are refused.
  asRoot('mount', ['-t', 'tmpfs', '-o', `size=48m,mode=0755,uid=${process.getuid!()},gid=${process.getgid!()}`, 'tmpfs', mountpoint]);
  // 1 MB WAL segments and a small WAL limit, so 48 MB hold the cluster, the schema and some room to fill.
  cluster = await createPrivateCluster({ root: mountpoint, initdb: ['--wal-segsize=1'], settings: '-c min_wal_size=2MB -c max_wal_size=4MB' });
  server = await startServerProcess({ DATABASE_URL: cluster.url });
  sql = postgres(...postgresOptions(cluster.url, { max: 1, onnotice: () => {} }));
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await sql?.end({ timeout: 1 }).catch(() => {});
  cluster?.destroy();
  try {
    asRoot('umount', [mountpoint]);
  } catch {
    // not mounted
  }
  rmSync(mountpoint, { recursive: true, force: true });
});

test('the database disk fills up under 200 submissions: 503 meanwhile, no crash, nothing acknowledged lost or doubled once space is freed', async () => {
  const sets = await seedDocumentSets(sql, 'demo-citizen', 200);
  const cookie = await loginCookie(server.url);
  const filler = join(mountpoint, 'filler');
  const free = () => statfsSync(mountpoint).bavail * statfsSync(mountpoint).bsize;
  writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 512 * 1024))); // leave half a megabyte
  // While "full", whatever PostgreSQL frees (recycled WAL, a checkpoint) is taken again, as by another program
  // writing to the same disk, so the disk stays full until the test frees it.
  const topUp = setInterval(() => {
    const room = free() - 64 * 1024;
    if (room > 0) appendFileSync(filler, Buffer.alloc(room));
  }, 100);

  let refused = 0;
  let ackedWhileFull = 0;
  let full = true;
  const load = submissionLoad({
    targets: () => [server.url],
    cookie: () => cookie,
    documentSets: sets,
    concurrency: 10,
    deadline: Date.now() + 150_000,
    onAnswer: (s) => void (s === 503 && refused++),
    onAck: () => void (full && ackedWhileFull++)
  });
  const started = Date.now();
  while (refused < 30 && Date.now() - started < 60_000) await sleep(100);
  const seen = { refused, ackedWhileFull, freeBytes: free(), clusterRunning: cluster.running() };
  full = false;
  clearInterval(topUp);
  rmSync(filler);
  if (!cluster.running()) cluster.start();
  const result = await load;
  const t = await tally(sql, result);
  report('database disk full (48 MB tmpfs)', t, { statuses: statusSummary(result), 'acknowledged while full': seen.ackedWhileFull, 'cluster survived': seen.clusterRunning });

  expect(seen.refused).toBeGreaterThanOrEqual(30); // the disk really did fill up
  expect(server.alive(), server.output()).toBe(true);
  expect(result.statuses.get(500) ?? 0).toBe(0);
  expect(result.retryAfter.with).toBe(result.retryAfter.of);
  expect(t).toEqual({ sent: 200, acknowledged: 200, stored: 200, duplicates: 0, lost: 0, mismatched: 0, conflicts: 0 });
});
