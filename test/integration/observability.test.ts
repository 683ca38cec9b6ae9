// Logs and metrics (DESIGN §15): pino's JSON lines carry the request id on every line a request causes, and
// /metrics speaks Prometheus's text format with latency by route, the outbox, the workers and the database pool.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../api/log.ts';
import { Client } from '../support/client.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const lines: Record<string, unknown>[] = [];
let server: TestServer;
beforeAll(async () => {
  // The dispatcher runs (every 100 ms) with the console providers, as in development.
  server = await startTestServer({}, { dispatchIntervalMs: 100, log: createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
});
afterAll(() => server.close());

/** The value of one sample in Prometheus's text format, or undefined when the line is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('logs', () => {
  test('every line a request causes is JSON with its request id, the one the caller sent or a fresh one', async () => {
    const given = await fetch(`${server.url}/api/track/26110020000000`, { headers: { 'x-request-id': 'haproxy-0a1b2c' } });
    expect(given.headers.get('x-request-id')).toBe('haproxy-0a1b2c');
    const fresh = await fetch(`${server.url}/api/health`);
    const freshId = fresh.headers.get('x-request-id')!;
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);
    // An id that is not an id (a header injection, a huge value) is replaced, never echoed into the logs.
    const odd = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'a"b}\u00e9' + 'x'.repeat(200) } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const track = lines.find((l) => l.event === 'request' && l.route === '/api/track/:ain');
    expect(track).toMatchObject({ level: 'info', reqId: 'haproxy-0a1b2c', status: 400 }); // a wrong check digit
    expect(typeof track!.time).toBe('string');
    expect(lines.some((l) => l.event === 'request' && l.reqId === freshId && l.route === '/api/health')).toBe(true);
  });

  test('a request refused by the checks every request meets is logged with the status it got, and keeps its headers', async () => {
    // The body checks run in the same layer of the middleware chain as the request log (api/app.ts).
    const refused = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'x-request-id': 'refused-415', 'content-type': 'text/plain', origin: server.origin },
      body: 'login=x'
    });
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    expect(refused.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const crossSite = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'x-request-id': 'refused-403', 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' },
      body: 'login=x'
    });
    expect(crossSite.status).toBe(403);
    // Too large: the rest of the body is never read, so the answer closes the connection (api/app.ts).
    const tooLarge = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'x-request-id': 'refused-413', 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ login: 'x'.repeat(server.runtime.deps.config.bodySizeLimit + 1) })
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    for (const [reqId, status] of [['refused-415', 415], ['refused-403', 403], ['refused-413', 413]] as const) {
      const logged = lines.filter((l) => l.event === 'request' && l.reqId === reqId);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 'info', method: 'POST', status });
    }
    expect(lines.some((l) => l.event === 'unhandled' && String(l.reqId).startsWith('refused-'))).toBe(false);
  });

  test('lines logged deep inside a request carry its id too; lines of the start-up have none', async () => {
    // A gateway callback refused by the database layer is logged by the SMS app, not by the request logger.
    const res = await fetch(`${server.url}/sms/delivery`, { method: 'POST', headers: { 'x-request-id': 'gw-report-1' }, body: new URLSearchParams({ id: 'ATXid_unknown', status: 'Success' }) });
    expect(res.status).toBe(503); // "unknown message, try later": gateways retry
    const deep = lines.filter((l) => l.reqId === 'gw-report-1');
    expect(deep.map((l) => l.event)).toContain('delivery_report_unknown_message');
    const migrated = lines.find((l) => l.event === 'migrated');
    expect(migrated).toBeDefined();
    expect(migrated!.reqId).toBeUndefined();
  });
});

describe('metrics', () => {
  test('/metrics reports request latency by route pattern, the outbox, the workers and the database pool', async () => {
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin);
    const submitted = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
    expect(submitted.status).toBe(201);
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/api/track/${submitted.body.ain}`);
    await fetch(`${server.url}/sms/ussd`, { method: 'POST', body: new URLSearchParams({ sessionId: 's1', phoneNumber: '+919000000001', text: '' }) });
    // Wait until the dispatcher has sent the submission's messages (console providers accept at once).
    const sql = server.runtime.deps.sql;
    for (let i = 0; i < 100; i++) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'pending'`;
      if (row!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // The route pattern, never the AIN itself.
    expect(sample(text, 'orc_http_request_duration_seconds_count', { route: '/api/track/:ain', method: 'GET', status: '200' })).toBe(3);
    expect(sample(text, 'orc_http_request_duration_seconds_count', { route: '/api/applications', method: 'POST', status: '201' })).toBe(1);
    expect(sample(text, 'orc_http_request_duration_seconds_count', { route: '/sms/ussd', method: 'POST', status: '200' })).toBe(1);
    expect(text).not.toContain(submitted.body.ain);
    expect(sample(text, 'orc_outbox_pending')).toBe(0);
    expect(sample(text, 'orc_outbox_oldest_pending_seconds')).toBe(0);
    expect(sample(text, 'orc_worker_runs_total', { worker: 'dispatcher', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'orc_db_pool_max')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'orc_db_ping_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'orc_db_connections', { state: 'active' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'orc_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  test("the pool's own figures, read without the database: every connection at work or in a transaction, and queries waiting", async () => {
    const { sql, metrics } = server.runtime.deps;
    // The pool's gauges alone: reading them sends no query, so they are read as often as need be.
    const poolNow = async () => {
      const text = (await metrics.registry.getSingleMetricAsString('orc_db_pool_connections')) + '\n' + (await metrics.registry.getSingleMetricAsString('orc_db_pool_waiting'));
      const state = (s: string) => sample(text, 'orc_db_pool_connections', { state: s })!;
      return { idle: state('idle'), inUse: state('in_use'), connecting: state('connecting'), closed: state('closed'), waiting: sample(text, 'orc_db_pool_waiting')! };
    };
    const until = async (done: (pool: Awaited<ReturnType<typeof poolNow>>) => boolean) => {
      const deadline = Date.now() + 15_000; // well inside the test's time limit, so the finally below always runs
      for (let pool = await poolNow(); ; pool = await poolNow()) {
        if (done(pool) || Date.now() > deadline) return pool;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const max = sample(await metrics.registry.getSingleMetricAsString('orc_db_pool_max'), 'orc_db_pool_max')!;
    // Every connection opened first. A connection that is still opening asks for the database's types before its first
    // query, and behind PgBouncer (8 server connections for the pool's 10) that could wait behind the transactions below.
    await Promise.all(Array.from({ length: max }, () => sql`select 1`));
    const opened = await poolNow();
    expect(opened.idle + opened.inUse + opened.connecting + opened.closed).toBe(max);
    expect(opened.closed).toBe(0);

    // At work: a query on every connection.
    const sleeping = Array.from({ length: max }, () => sql`select pg_sleep(0.2)`.execute());
    expect(await until((pool) => pool.inUse === max)).toMatchObject({ inUse: max, idle: 0 });
    await Promise.all(sleeping);

    // In a transaction: every connection held by one that waits, and one query more, which has to wait for a connection.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: max }, () =>
      sql.begin(async (tx) => {
        await tx`select 1`;
        await gate;
      })
    );
    const queued = sql<{ n: number }[]>`select 2 as n`.execute(); // postgres.js sends a query when asked to, not when written
    try {
      const held = await until((pool) => pool.inUse === max && pool.waiting >= 1);
      expect(held).toMatchObject({ inUse: max, idle: 0 });
      expect(held.waiting).toBeGreaterThanOrEqual(1);
      // A whole scrape still answers, with the pool's figures, when its own "select 1" cannot get a connection.
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(sample(text, 'orc_db_pool_connections', { state: 'in_use' })).toBe(max);
      expect(sample(text, 'orc_db_pool_waiting')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'orc_db_up')).toBe(0);
    } finally {
      release();
    }
    await Promise.allSettled(holders);
    expect((await queued)[0]!.n).toBe(2);
    expect((await until((pool) => pool.waiting === 0)).waiting).toBe(0);
    expect(sample(await (await fetch(`${server.url}/metrics`)).text(), 'orc_db_up')).toBe(1);
  });

  test('the outbox depth and the age of its oldest message follow what waits', async () => {
    const sql = server.runtime.deps.sql;
    const now = server.clock.now();
    // A message due in an hour waits; the dispatcher leaves it alone.
    await sql`
      insert into outbox (channel, recipient, lang, template, body, status, next_attempt_at, created_at)
      values ('sms', '+919000000001', 'en', 'received', 'waiting', 'pending', ${new Date(now.getTime() + 3_600_000)}, ${new Date(now.getTime() - 90_000)})`;
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(text, 'orc_outbox_pending')).toBe(1);
    expect(sample(text, 'orc_outbox_oldest_pending_seconds')).toBeCloseTo(90, 0);
    await sql`delete from outbox where body = 'waiting'`;
  });

  test('the sweeper counts its runs and the breaches it escalates', async () => {
    const { startSweeper } = await import('../../api/sla/sweeper.ts');
    const { deps } = server.runtime;
    const before = sample(await deps.metrics.registry.metrics(), 'orc_worker_runs_total', { worker: 'sweeper', outcome: 'ok' }) ?? 0;
    // The submission above is due the next working day; three days on, its scrutiny step is past due.
    server.clock.advance(4 * 86_400_000);
    const sweeper = startSweeper(deps, 50, deps.metrics);
    for (let i = 0; i < 100 && (sample(await deps.metrics.registry.metrics(), 'orc_worker_runs_total', { worker: 'sweeper', outcome: 'ok' }) ?? 0) <= before; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await sweeper.stop();
    const text = await deps.metrics.registry.metrics();
    expect(sample(text, 'orc_worker_runs_total', { worker: 'sweeper', outcome: 'ok' })).toBeGreaterThan(before);
    expect(sample(text, 'orc_sla_breaches_total', { level: 'responsible' })).toBe(1);
  });
});

describe('metrics in production', () => {
  const token = 'metrics-token-0123456789';
  let prod: TestServer;
  let closed: TestServer;
  beforeAll(async () => {
    [prod, closed] = await Promise.all([
      startTestServer({ NODE_ENV: 'production', ORIGIN: 'https://edistrict.example.gov.in', AADHAAR_KEY: 'ab'.repeat(32), METRICS_TOKEN: token }),
      startTestServer({ NODE_ENV: 'production', ORIGIN: 'https://edistrict.example.gov.in', AADHAAR_KEY: 'ab'.repeat(32) })
    ]);
  });
  afterAll(() => Promise.all([prod.close(), closed.close()]));

  test('need the bearer token, and do not exist without one configured', async () => {
    expect((await fetch(`${prod.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${prod.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${prod.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('orc_http_request_duration_seconds');
    expect((await fetch(`${closed.url}/metrics`)).status).toBe(404);
  });
});

// Last in the file: its submission would change the counts the metrics tests above read.
describe('logs of a service', () => {
  test("a service's own line carries the id of the request that called it", async () => {
    // The request's id reaches api/applications/submit.ts with the request's deps (api/deps.ts, RouteDeps).
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin);
    const submitted = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey(), 'x-request-id': 'submit-77' });
    expect(submitted.status).toBe(201);
    expect(lines.filter((l) => l.reqId === 'submit-77').map((l) => l.event)).toEqual(['application_submitted', 'request']);
    expect(lines.filter((l) => l.event === 'application_submitted').map((l) => l.reqId)).toContain('submit-77');
  });

  test("a provider's line about a message a request sends at once (login details) carries that request's id", async () => {
    // The SMS provider is made once at start; the request hands it its own logger with the message (channels.ts).
    const res = await new Client(server.url).post('/api/auth/register', { name: 'Rina Das', mobile: '9830077001' }, { 'x-request-id': 'register-5' });
    expect(res.status).toBe(201);
    expect(lines.filter((l) => l.reqId === 'register-5').map((l) => l.event)).toEqual(['sms_recorded', 'request']);
  });
});
