// The embedded database (PGlite in the server process, served by pglite-socket), one server for both parts.
//
// It is private (issue 11 item 3): pglite-socket accepts anyone as superuser without a password, so it listens on
// no TCP port, only on a Unix socket inside DATA_DIR; DATA_DIR is 0700 and everything the server writes under it
// is for its own user only (umask 077), the uploaded documents included.
//
// kill -9 of the embedded database (issue 11 item 11): killing the database is killing the process, under a write
// load. The next start on the same DATA_DIR removes the socket the dead process left, recovers the database, and
// the load's retries with the same Idempotency-Key complete: everything acknowledged before the kill is there, once.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { embeddedSocketPath } from '../../api/db/connect.ts';
import { testJpeg, upload } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { databaseOf, loginCookie, report, seedDocumentSets, sleep, startServerProcess, statusSummary, submissionLoad, tally, type ServerProcess } from './support.ts';

let server: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  server = await startServerProcess({});
  sql = databaseOf(server);
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await sql?.end({ timeout: 1 }).catch(() => {});
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

test('the process listens on its HTTP port and on no other TCP port', () => {
  const ss = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' }).stdout;
  const ours = ss.split('\n').filter((l) => l.includes(`pid=${server.child.pid},`));
  expect(ours.map((l) => l.split(/\s+/)[3])).toEqual([`127.0.0.1:${server.port}`]);
});

test('the database socket is inside DATA_DIR; DATA_DIR, its directories and its files are private', async () => {
  const client = new Client(server.url);
  expect((await client.post('/api/auth/login', { login: 'demo-citizen', password: 'demo-password' })).status).toBe(200);
  const res = await upload(client, server.url.replace('127.0.0.1', 'localhost'), { bytes: await testJpeg(7), name: 'p.jpg', type: 'image/jpeg' }, 'photo', 'photograph');
  expect(res.status).toBe(201);

  const socket = embeddedSocketPath(server.dataDir);
  expect(statSync(socket).isSocket()).toBe(true);
  expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
  const paths = walk(server.dataDir);
  expect(paths.some((p) => p.includes(join('files', res.body.sha256.slice(0, 2))))).toBe(true);
  expect(paths.filter((p) => p.includes(join('pg', 'base'))).length).toBeGreaterThan(10);
  const open = paths.filter((p) => (statSync(p).mode & 0o077) !== 0).map((p) => `${p} ${(statSync(p).mode & 0o777).toString(8)}`);
  expect(open).toEqual([]);
});

test('another local account cannot reach the database socket', () => {
  // As root the test can be someone else; a non-root run has checked the modes that stop them above.
  if (process.getuid?.() !== 0) return;
  const attempt = spawnSync(
    'runuser',
    ['-u', 'nobody', '--', process.execPath, '-e', `require('net').connect(${JSON.stringify(embeddedSocketPath(server.dataDir))}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(1)})`],
    { encoding: 'utf8' }
  );
  expect(attempt.stdout.trim()).toBe('EACCES');
});

test('kill -9 of the process holding the embedded database under 100 submissions: it starts again and nothing acknowledged is lost or doubled', async () => {
  const sets = await seedDocumentSets(sql, 'demo-citizen', 100);
  await sql.end(); // the embedded database has few connections; the test's own is not needed during the load
  const cookie = await loginCookie(server.url);
  let acked = 0;
  const load = submissionLoad({ targets: () => [server.url], cookie: () => cookie, documentSets: sets, concurrency: 5, deadline: Date.now() + 150_000, onAck: (n) => (acked = n) });
  while (acked < 40) await sleep(20);
  const ackedBeforeKill = acked;
  server.child.kill('SIGKILL');
  expect((await server.exited).signal).toBe('SIGKILL');
  server = await startServerProcess({}, { port: server.port, dataDir: server.dataDir });
  const result = await load;
  sql = databaseOf(server);
  const t = await tally(sql, result);
  report('kill -9 of the embedded database under write load', t, { statuses: statusSummary(result), 'acknowledged before the kill': ackedBeforeKill });
  expect(result.statuses.get('network') ?? 0).toBeGreaterThan(0);
  expect(t).toEqual({ sent: 100, acknowledged: 100, stored: 100, duplicates: 0, lost: 0, mismatched: 0, conflicts: 0 });
});
