// Starts the real composition root on a random port against a fresh database: a new PGlite directory, or a new
// database on the real PostgreSQL server (TEST_DATABASE_URL, default the local trust-auth server), dropped after.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../api/db/connect.ts';
import { parseLibpqUri, postgresOptions } from '../../api/db/url.ts';
import { loadConfig } from '../../api/config.ts';
import type { Clock } from '../../api/deps.ts';
import { keepAliveLongerThanClients } from '../../api/http/keep-alive.ts';
import type { Logger } from '../../api/log.ts';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../server.ts';

// `pgbouncer` is the real PostgreSQL reached through a PgBouncer in transaction mode (test/support/pgbouncer.ts
// starts it for the integration-pgbouncer project and sets PGBOUNCER_URL).
export const backend = (process.env.TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres' | 'pgbouncer';
/** Several processes can share the database: a real server, directly or through the pooler. */
export const sharedDatabase = backend !== 'pglite';
/** What the app's configuration needs besides DATABASE_URL to use the test database. */
export const poolerEnv: Record<string, string> = backend === 'pgbouncer' ? { DATABASE_POOLER: 'pgbouncer' } : {};
/** The same, for tests that open the database themselves (openDatabase's `pooler`). */
export const pooler = backend === 'pgbouncer' ? 'pgbouncer' : 'none';
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private t = Date.parse('2026-11-27T05:00:00Z')) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

export interface TestServer {
  url: string;
  origin: string;
  clock: TestClock;
  runtime: Runtime;
  close(): Promise<void>;
}

function pgbouncerUrl(): string {
  if (!process.env.PGBOUNCER_URL) throw new Error('TEST_BACKEND=pgbouncer needs PGBOUNCER_URL (the integration-pgbouncer project starts one)');
  return process.env.PGBOUNCER_URL;
}

/** The database a DATABASE_URL reaches through the app's own openDatabase (the URL tests of api/db/url.ts). */
export async function databaseReachedBy(databaseUrl: string): Promise<string> {
  const db = await openDatabase({ databaseUrl, dataDir: '', max: 1, pooler });
  try {
    const [row] = await db.sql<{ name: string }[]>`select current_database() as name`;
    return row!.name;
  } finally {
    await db.close();
  }
}

/**
 * A fresh database on the real server, reached directly or (TEST_BACKEND=pgbouncer) through the pooler; `directUrl`
 * always reaches the server itself, for what needs a session of its own (pg_dump, pg_restore: DATABASE_DIRECT_URL).
 */
export async function createTestDatabase(): Promise<{ url: string; directUrl: string; drop(): Promise<void> }> {
  const name = `orc_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(...postgresOptions(adminUrl, { max: 1, onnotice: () => {} }));
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = parseLibpqUri(backend === 'pgbouncer' ? pgbouncerUrl() : adminUrl);
  url.pathname = '/' + name;
  const directUrl = parseLibpqUri(adminUrl);
  directUrl.pathname = '/' + name;
  return {
    url: url.toString(),
    directUrl: directUrl.toString(),
    async drop() {
      const a = postgres(...postgresOptions(adminUrl, { max: 1, onnotice: () => {} }));
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    }
  };
}

/**
 * Tests register citizens from 127.0.0.1 and upload as one demo user far more than a person would in an hour; the
 * limits' own tests (throttle.test.ts, uploads.test.ts) set them low.
 */
export const testLimits = { REGISTRATIONS_PER_ADDRESS_PER_HOUR: '10000', UPLOADS_PER_HOUR: '100000', UPLOAD_UNATTACHED_MAX_FILES: '100000', UPLOAD_UNATTACHED_MAX_MB: '100000' };

/**
 * Silent, except for what is always a bug: an error no handler caught, which the client saw as a 500. It is
 * printed with its stack, so a test that fails on a 500 (even once in a hundred runs) says where it came from.
 */
function bugsOnlyLogger(): Logger {
  const unhandled = new Set(['unhandled', 'sms_unhandled', 'ussd_failed']);
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (event, fields) => {
      if (unhandled.has(event)) console.error(`[test server] ${event}`, fields);
    },
    child: () => log // a request's lines are printed the same way, without their id
  };
  return log;
}

export async function startTestServer(env: Record<string, string> = {}, opts: Omit<RuntimeOverrides, 'clock'> = {}): Promise<TestServer> {
  let runtime: Runtime | undefined;
  const http = createServer((req, res) =>
    runtime!.route(req, res, () => {
      res.statusCode = 404;
      res.end();
    })
  );
  keepAliveLongerThanClients(http); // as server.ts does
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const origin = `http://localhost:${port}`;

  const dataDir = mkdtempSync(join(tmpdir(), 'orc-test-'));
  const db = sharedDatabase ? await createTestDatabase() : null;
  const clock = new TestClock();
  runtime = await createRuntime(
    loadConfig({ NODE_ENV: 'development', PORT: String(port), ORIGIN: origin, DATA_DIR: dataDir, DATABASE_URL: db?.url, ...(db && backend === 'pgbouncer' ? { DATABASE_DIRECT_URL: db.directUrl } : {}), LOG_LEVEL: 'silent', SLA_SWEEP_INTERVAL_SECONDS: '0', ...testLimits, ...poolerEnv, ...env }),
    { ...opts, clock, log: opts.log ?? bugsOnlyLogger() }
  );
  return {
    url: `http://127.0.0.1:${port}`,
    origin,
    clock,
    runtime,
    async close() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await runtime.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
