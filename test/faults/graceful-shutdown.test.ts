// Graceful shutdown of a real process (issue 15 item 4): on SIGTERM readiness turns 503, no new connection is
// taken, a request in flight finishes, the outbox messages claimed but not yet sent are handed back at once (not
// after the 150 s lease), sends already with the gateway finish, then the database closes and the process exits 0.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAfricasTalkingMock, type AfricasTalkingMock } from '../mocks/africastalking.ts';
import { testJpeg } from '../support/applications.ts';
import { createTestDatabase } from '../support/server.ts';
import { loginCookie, sleep, startServerProcess, type ServerProcess } from './support.ts';

const API_KEY = 'at-key-graceful-shutdown';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let at: AfricasTalkingMock;
let server: ServerProcess;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  at = await startAfricasTalkingMock(API_KEY);
  at.delayMs = 4_000; // a slow gateway: the first ten sends are still out when SIGTERM comes
  server = await startServerProcess({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'info',
    SMS_PROVIDER: 'africastalking',
    AFRICASTALKING_USERNAME: 'edistrict',
    AFRICASTALKING_API_KEY: API_KEY,
    AFRICASTALKING_SMS_URL: at.smsUrl
  });
  sql = postgres(...postgresOptions(db.url, { max: 1, onnotice: () => {} }));
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await sql?.end();
  await at?.stop();
  await db?.drop();
});

/** A multipart upload whose body is sent in two halves, so the test decides when the request ends. */
function slowUpload(url: string, cookie: string, file: Buffer) {
  const boundary = '----fault' + randomBytes(8).toString('hex');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n--${boundary}\r\nContent-Disposition: form-data; name="proof"\r\n\r\nphotograph\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, file, tail]);
  const half = head.length + Math.floor(file.length / 2);
  const { hostname, port } = new URL(url);
  const req = request({
    hostname,
    port,
    path: '/api/documents',
    method: 'POST',
    headers: { cookie, origin: url.replace('127.0.0.1', 'localhost'), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length }
  });
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, half));
  return { answer, finish: () => req.end(body.subarray(half)) };
}

/** Every file under DATA_DIR/files, temporary ones included. */
function storedFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'files');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A request whose last header line is held back: the connection is busy, not idle, when SIGTERM comes. */
function heldRequest(port: number, path: string) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
  return { closed, finish: () => socket.write('\r\n') };
}

test('SIGTERM: readiness 503, no new connections, the request in flight finishes, unsent leases handed back at once, exit 0', async () => {
  const cookie = await loginCookie(server.url);
  await sql`
    insert into outbox (channel, recipient, lang, template, template_id, body, next_attempt_at, created_at)
    select 'sms', '+9198301' || lpad(g::text, 5, '0'), 'en', 'status_reply', '1107170000000000201', 'shutdown ' || g, now(), now()
    from generate_series(1, 50) g`;
  // The dispatcher claims all 50 under one lease and hands ten at a time to the (slow) gateway.
  while (at.requests < 10) await sleep(50);
  const [claimed] = await sql<{ leased: number }[]>`select count(*)::int as leased from outbox where leased_until > now() and status = 'pending'`;
  expect(claimed!.leased).toBe(50);

  const upload = slowUpload(server.url, cookie, await testJpeg(3, { width: 1200, height: 900 }));
  const ready = heldRequest(server.port, '/api/health/ready');
  await sleep(500); // both requests have reached the server

  server.child.kill('SIGTERM');
  await sleep(500);
  // No new connections…
  await expect(fetch(server.url + '/api/health/live')).rejects.toThrow();
  // …the 40 messages not yet with the gateway are free for another process now, the 10 out keep their lease…
  const held = await sql<{ leased: number; free: number }[]>`
    select count(*) filter (where leased_until > now())::int as leased, count(*) filter (where leased_until is null)::int as free
    from outbox where status = 'pending'`;
  expect(server.alive()).toBe(true); // measured while the process is still draining
  expect(held[0], JSON.stringify(held)).toEqual({ leased: 10, free: 40 });
  // …and a request on a connection opened before gets readiness 503 and the connection closed.
  ready.finish();
  const readiness = await ready.closed;
  expect(readiness).toMatch(/^HTTP\/1\.1 503/);
  expect(readiness).toMatch(/connection: close/i);
  expect(readiness).toContain('"stopping":true');

  upload.finish();
  const uploaded = await upload.answer;
  expect(uploaded.status, uploaded.body).toBe(201);
  expect(uploaded.connection).toBe('close');

  const { code } = await server.exited;
  expect(code).toBe(0);
  // The JSON log lines as objects: which key comes first is the logger's business, not the test's.
  const events = server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(events).toContainEqual(expect.objectContaining({ event: 'outbox_leases_released', count: 40 }));
  expect(events).toContainEqual(expect.objectContaining({ event: 'stopped', requestsCut: 0 }));
  const after = await sql<{ status: string; leased: boolean; attempts: number; n: number }[]>`
    select status, leased_until is not null as leased, attempts, count(*)::int as n from outbox group by 1, 2, 3 order by 1`;
  // The ten with the gateway were sent before the database closed; the forty wait unleased, no attempt counted.
  expect(after, JSON.stringify(after)).toEqual([
    { status: 'pending', leased: false, attempts: 0, n: 40 },
    { status: 'sent', leased: false, attempts: 1, n: 10 }
  ]);
  const [doc] = await sql<{ n: number }[]>`select count(*)::int as n from documents where uploaded_by = 'demo-citizen'`;
  expect(doc!.n).toBe(1);
});

test('a request still unfinished when the 10 s drain ends is cut, nothing of it is stored, and the process exits 0', async () => {
  // Another process on the same database (the one above has exited): no gateway this time.
  const second = await startServerProcess({ DATABASE_URL: db.url, LOG_LEVEL: 'info' });
  try {
    const cookie = await loginCookie(second.url);
    const [before] = await sql<{ n: number }[]>`select count(*)::int as n from documents`;
    // A phone that stopped sending half way through its upload, and never resumes.
    const stalled = slowUpload(second.url, cookie, await testJpeg(4, { width: 1200, height: 900 }));
    const outcome = stalled.answer.then(
      (answer) => ({ answered: answer.status }),
      (err: Error) => ({ cut: err.message })
    );
    await sleep(1_000); // the half body has reached the server (the test above waits 500 ms for the same)
    const filesBefore = storedFiles(second.dataDir);
    const signalled = Date.now();
    second.child.kill('SIGTERM');
    // Not answered: the connection is closed under it once the drain is over, and not before.
    expect(await outcome).toEqual({ cut: expect.stringMatching(/socket hang up|ECONNRESET/) });
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(9_500);
    expect(await second.exited).toMatchObject({ code: 0 });
    const events = second
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toContainEqual(expect.objectContaining({ event: 'stopping', signal: 'SIGTERM', inFlight: 1 }));
    expect(events).toContainEqual(expect.objectContaining({ event: 'stopped', requestsCut: 1 }));
    expect(events.some((e) => e.event === 'shutdown_timeout')).toBe(false);
    const [after] = await sql<{ n: number }[]>`select count(*)::int as n from documents`;
    expect(after!.n).toBe(before!.n);
    // Nor a file, whole or partly written, among the stored ones.
    expect(storedFiles(second.dataDir)).toEqual(filesBefore);
  } finally {
    second.child.kill('SIGKILL');
  }
}, 60_000);
