// One postgres.js client for the whole process: a real PostgreSQL when DATABASE_URL is set, otherwise the embedded
// PGlite served by pglite-socket on a Unix socket inside DATA_DIR. Both are reached with the same driver and SQL.
import { chmodSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { postgresOptions } from './url.ts';

export type Sql = postgres.Sql;
/** Either the pool or a transaction: for functions that must also run inside `sql.begin`. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

// Columns come back camelCased (office_id → officeId), so rows map straight onto the interfaces at the boundary.
const common = { transform: postgres.camel, onnotice: () => {} } as const;

/**
 * Through a database restart (issue 11 item 1): a connection attempt that gets no answer gives up after 5 s, so a
 * request never hangs on it (it is answered 503, api/http/unavailable.ts); and reconnecting waits at most one second
 * between attempts. postgres.js's default backoff grows with every failed attempt of the whole pool (3^n / 100 s, up
 * to 20 s), so after a long outage the service stayed down for many seconds after the database came back.
 */
const resilient = {
  connect_timeout: 5,
  backoff: (attempts: number) => Math.min(0.05 * 2 ** attempts, 1)
} as const;

/** What the pool's connections are doing right now, for the metrics: every connection is in one of the four states. */
export interface PoolState {
  idle: number;
  /** Running queries, in a transaction, or reserved. */
  inUse: number;
  /** Opening, or running its first query (postgres.js moves a new connection only after that). */
  connecting: number;
  /** Not open: never opened yet, closed when idle or at the end of its lifetime, or lost. */
  closed: number;
  /**
   * Queries queued for a connection. On PostgreSQL itself postgres.js sends a query to a connection already running
   * others (pipelining) rather than queue it, so only a pool whose every connection is in a transaction, reserved,
   * opening or full (100 queries) makes queries wait; behind PgBouncer (no pipelining) any query that finds no idle
   * connection does.
   */
  waiting: number;
}

/** The pool's statistics that patches/postgres+3.4.9.patch adds (upstream's proposed shape, porsager/postgres 525b209). */
interface PoolStatistics {
  queries: { length: number };
  connections: Record<'idle' | 'busy' | 'full' | 'reserved' | 'connecting' | 'closed' | 'ended', number>;
}

/** Reads the pool's state; refuses a postgres.js without the patch rather than report zeros. */
function requirePoolState(sql: Sql): () => PoolState {
  const { queries, connections: c } = sql as Sql & Partial<PoolStatistics>;
  if (!queries || !c) throw new Error('postgres.js without its pool statistics: run `npm install`, which applies patches/ (patch-package)');
  return () => ({ idle: c.idle, inUse: c.busy + c.full + c.reserved, connecting: c.connecting, closed: c.closed + c.ended, waiting: queries.length });
}

export interface Database {
  sql: Sql;
  embedded: boolean;
  /** The pool's size, for the metrics. */
  poolMax: number;
  poolState: () => PoolState;
  close(): Promise<void>;
}

/**
 * `pooler: 'pgbouncer'`: the URL is a PgBouncer in transaction mode, which hands each transaction to whichever
 * server connection is free, so a statement prepared on one is unknown on the next: postgres.js must not prepare
 * (`prepare: false`, unnamed statements). And it must not pipeline (`max_pipeline: 0`): unprepared, a query with
 * parameters is sent as Parse/Describe/Flush, with no Sync, and finished only after the server has described its
 * parameters; PgBouncer 1.18 gives the server connection back to its pool at the previous query's ReadyForQuery, so
 * a Parse/Describe already pipelined behind it is answered to nobody and the query waits for ever (reproduced: 50
 * callers each sending `select 1` and `select ${x}::text` at once hang within seconds; with no pipelining, never).
 * PgBouncer 1.21 and later follow the extended protocol through a pipeline. Everything else already fits transaction
 * pooling: no LISTEN/NOTIFY, no session settings, advisory locks only transaction-scoped (`pg_advisory_xact_lock`).
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; max?: number; pooler?: 'none' | 'pgbouncer' }): Promise<Database> {
  if (opts.databaseUrl) {
    const max = opts.max ?? 10;
    const pooled = opts.pooler === 'pgbouncer';
    const sql = postgres(...postgresOptions(opts.databaseUrl, { ...common, ...resilient, max, prepare: !pooled, ...(pooled ? { max_pipeline: 0 } : {}) }));
    return { sql, embedded: false, poolMax: max, poolState: requirePoolState(sql), close: () => sql.end({ timeout: 5 }) };
  }
  return openEmbedded(opts.dataDir);
}

/**
 * DATA_DIR holds the database, uploaded documents and development secrets: nobody but the service's own user may
 * list or read it, whatever the umask (server.ts also sets umask 077, so files made later are 0600).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // an existing directory made with a looser mode is tightened
}

/** Where the embedded database listens; exported for the test that checks nobody else can reach it. */
export function embeddedSocketPath(dataDir: string): string {
  return join(dataDir, 'run', '.s.PGSQL.5432');
}

async function openEmbedded(dataDir: string): Promise<Database> {
  // Loaded lazily so a deployment on real PostgreSQL never loads the WebAssembly build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  // pglite-socket accepts any user as superuser without a password, so it must not listen where anyone else can
  // connect: a loopback port is open to every local user. A Unix socket in a 0700 directory is reachable only by
  // this account (and root); the socket itself is 0600 under our umask.
  ensurePrivateDir(dataDir);
  ensurePrivateDir(join(dataDir, 'pg'));
  ensurePrivateDir(join(dataDir, 'run'));
  const path = embeddedSocketPath(dataDir);
  // sun_path holds 108 bytes on Linux (104 on macOS); a longer path would fail with an obscure EINVAL.
  if (Buffer.byteLength(path) > 100) throw new Error(`DATA_DIR is too long a path for the embedded database's socket (${path}); use a shorter DATA_DIR.`);
  await removeStaleSocket(path);
  const db = await PGlite.create(join(dataDir, 'pg'));
  // PGlite unpacks its initial cluster with the archive's modes (0666), past the umask: tighten them.
  tighten(join(dataDir, 'pg'));
  const server = new PGLiteSocketServer({ db, path, maxConnections: 4 });
  await server.start();
  // PGlite has one backend session: queries are serialised, so one connection is all there is to use.
  const sql = postgres({ ...common, path, user: 'postgres', database: 'postgres', max: 1 });
  return {
    sql,
    embedded: true,
    poolMax: 1,
    poolState: requirePoolState(sql),
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await db.close();
    }
  };
}

function tighten(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      chmodSync(path, 0o700);
      tighten(path);
    } else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/**
 * A process killed without closing leaves its socket file behind, and listening on it would fail. A socket that
 * still answers belongs to a live server on the same DATA_DIR: two PGlite instances on one directory would corrupt
 * it, so that start is refused instead.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean | 'absent'>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT' ? 'absent' : false));
  });
  if (alive === true) throw new Error(`Another server is using the embedded database in this DATA_DIR (${path} answers). Stop it first.`);
  if (alive === false) unlinkSync(path);
}
