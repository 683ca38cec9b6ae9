// One postgres.js client for the whole process: a real PostgreSQL when DATABASE_URL is set, otherwise the embedded
// PGlite served on a loopback port by pglite-socket. Both are reached with the same driver and the same SQL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

export type Sql = postgres.Sql;
/** Either the pool or a transaction: for functions that must also run inside `sql.begin`. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

// Columns come back camelCased (office_id → officeId), so rows map straight onto the interfaces at the boundary.
const common = { transform: postgres.camel, onnotice: () => {} } as const;

export interface Database {
  sql: Sql;
  embedded: boolean;
  /** The pool's size, for the metrics. */
  poolMax: number;
  close(): Promise<void>;
}

/**
 * `pooler: 'pgbouncer'`: the URL is a PgBouncer in transaction mode, which hands each transaction to whichever
 * server connection is free, so a statement prepared on one is unknown on the next: postgres.js must not prepare
 * (`prepare: false`, unnamed statements). Everything else already fits transaction pooling: no LISTEN/NOTIFY, no
 * session settings, advisory locks only transaction-scoped (`pg_advisory_xact_lock`).
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; max?: number; pooler?: 'none' | 'pgbouncer' }): Promise<Database> {
  if (opts.databaseUrl) {
    const max = opts.max ?? 10;
    const sql = postgres(opts.databaseUrl, { ...common, max, prepare: opts.pooler !== 'pgbouncer' });
    return { sql, embedded: false, poolMax: max, close: () => sql.end({ timeout: 5 }) };
  }
  return openEmbedded(join(opts.dataDir, 'pg'));
}

async function openEmbedded(dir: string): Promise<Database> {
  // Loaded lazily so a deployment on real PostgreSQL never loads the WebAssembly build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = splitHostPort(server.getServerConn());
  // PGlite has one backend session: queries are serialised, so one connection is all there is to use.
  const sql = postgres({ ...common, host, port, user: 'postgres', database: 'postgres', max: 1 });
  return {
    sql,
    embedded: true,
    poolMax: 1,
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await db.close();
    }
  };
}

function splitHostPort(conn: string): [string, number] {
  const i = conn.lastIndexOf(':');
  return [conn.slice(0, i), Number(conn.slice(i + 1))];
}
