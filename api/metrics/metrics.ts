// Prometheus metrics (DESIGN §15) through prom-client, served at /metrics. One registry per runtime rather than
// prom-client's global one, so tests that start several servers in one process do not collide.
//
// What an operator watches (README, "Metrics and logs"): request latency by route, the outbox (depth and the age of
// the oldest message still waiting), whether the dispatcher and the sweeper run and fail, SLA breaches, and the
// database connections. Outbox and database figures are read from PostgreSQL when Prometheus scrapes, so every
// instance reports the same shared truth and nothing is counted twice in the process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/connect.ts';

export interface Metrics {
  registry: Registry;
  /** Seconds per request, by method, route pattern (never the values in it) and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** One per dispatcher or sweeper pass, by outcome (ok, failed). */
  workerRuns: Counter<'worker' | 'outcome'>;
  /** Breaches the sweeper of this process recorded (each breach is recorded once across all instances). */
  slaBreaches: Counter<'level'>;
}

/**
 * A figure read from the database at scrape time, or null when the database does not answer within `patienceMs`.
 * prom-client fails the whole scrape if one gauge's collect fails, and waits as long as the slowest: during a database
 * outage (postgres.js waits 5 s for each connection attempt) /metrics errored or hung, taking the process's own
 * figures with it, when the operator needs them most. A query given up on is cancelled: left queued behind a hung
 * pool, every scrape's would have run at once when the database came back.
 */
async function fromDatabase<T>(query: () => Promise<T> & { cancel?(): unknown }, patienceMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const asked = query();
  const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, patienceMs, null)));
  try {
    const answer = await Promise.race([asked, late]);
    // postgres.js cancels over a new connection, and its promise rejects when that one fails too, as it will while
    // the database is away: nothing more to do then, but left unhandled it would end the process. (3.4.9 dropped
    // that promise inside the library; patches/ makes cancel() return it.)
    if (answer === null) Promise.resolve(asked.cancel?.()).catch(() => {});
    return answer;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `dbPatienceMs`: how long a scrape waits for each database figure (2 s, well inside Prometheus's default 10 s scrape
 * timeout). A figure the database did not give reads NaN, never the last one read: alert on orc_db_up, because NaN
 * is a value to Prometheus that compares false with every threshold and makes a sum across instances NaN.
 */
export function createMetrics(db: Pick<Database, 'sql' | 'poolMax' | 'poolState' | 'embedded'>, opts: { now: () => Date; dbPatienceMs?: number }): Metrics {
  const { sql } = db;
  const patience = opts.dbPatienceMs ?? 2000;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'orc_' });

  const httpDuration = new Histogram({
    name: 'orc_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    // Tracking answers in milliseconds, a submission with four scans in a second or two.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  });
  const workerRuns = new Counter({
    name: 'orc_worker_runs_total',
    help: 'Passes of the background workers (outbox dispatcher, SLA sweeper) in this process, by outcome',
    labelNames: ['worker', 'outcome'] as const,
    registers: [registry]
  });
  const slaBreaches = new Counter({
    name: 'orc_sla_breaches_total',
    help: 'SLA breaches this process recorded and escalated, by level (responsible step or L1)',
    labelNames: ['level'] as const,
    registers: [registry]
  });

  // Read at scrape time: the same numbers whichever instance Prometheus asks. prom-client collects the gauges side
  // by side, so each reads its own figure. Pending rows only, which the partial index outbox_due covers: sent rows
  // pile up by the million.
  new Gauge({
    name: 'orc_outbox_pending',
    help: 'Messages waiting in the outbox (not yet accepted by a provider, not dead)',
    registers: [registry],
    async collect() {
      const rows = await fromDatabase(() => sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'pending'`, patience);
      this.set(rows ? (rows[0]?.n ?? 0) : NaN);
    }
  });
  new Gauge({
    name: 'orc_outbox_oldest_pending_seconds',
    help: 'Age of the oldest message still waiting to be sent (0 when none): a stuck dispatcher or a dead gateway',
    registers: [registry],
    async collect() {
      const rows = await fromDatabase(
        () => sql<{ age: number | null }[]>`
          select extract(epoch from ${opts.now()}::timestamptz - min(created_at))::float8 as age from outbox where status = 'pending'`,
        patience
      );
      this.set(rows ? Math.max(0, rows[0]?.age ?? 0) : NaN);
    }
  });

  new Gauge({ name: 'orc_db_pool_max', help: 'Connections this process may open to the database (postgres.js pool size)', registers: [registry] }).set(db.poolMax);
  // The pool as this process sees it, read from postgres.js without asking the database: it still answers while the
  // database does not, when queries pile up waiting for a connection. The four states add up to orc_db_pool_max.
  new Gauge({
    name: 'orc_db_pool_connections',
    help: "This process's pool connections by state: idle, in_use (running queries, in a transaction or reserved), connecting (opening, or running its first query), closed (not open)",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = db.poolState();
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'in_use' }, pool.inUse);
      this.set({ state: 'connecting' }, pool.connecting);
      this.set({ state: 'closed' }, pool.closed);
    }
  });
  new Gauge({
    name: 'orc_db_pool_waiting',
    help: 'Queries of this process queued for a connection. Direct to PostgreSQL, queries are sent to busy connections (pipelined) and wait here only when every connection is in a transaction, opening or full; behind PgBouncer, whenever none is idle',
    registers: [registry],
    collect() {
      this.set(db.poolState().waiting);
    }
  });
  new Gauge({
    name: 'orc_db_connections',
    help: 'Connections open to this database, by state (all instances and tools, from pg_stat_activity)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // The embedded database has a single session and no statistics collector worth reading.
      if (db.embedded) return void this.set({ state: 'active' }, 1);
      const rows = await fromDatabase(
        () => sql<{ state: string | null; n: number }[]>`
          select state, count(*)::int as n from pg_stat_activity where datname = current_database() group by state`,
        patience
      );
      for (const r of rows ?? []) this.set({ state: r.state ?? 'unknown' }, r.n); // none at all while it does not answer
    }
  });
  // One "select 1" a scrape for both figures below (prom-client collects every gauge at once, so both ask while it
  // runs), so the round trip and "up" never disagree.
  let probing: Promise<number | null> | null = null;
  const probe = () =>
    (probing ??= (async () => {
      const started = performance.now();
      const answered = await fromDatabase(() => sql`select 1`, patience);
      return answered ? (performance.now() - started) / 1000 : null;
    })().finally(() => (probing = null)));
  new Gauge({
    name: 'orc_db_ping_seconds',
    help: 'Time for one "select 1" through this process’s pool: a full pool or a slow database shows here first',
    registers: [registry],
    async collect() {
      this.set((await probe()) ?? NaN);
    }
  });
  new Gauge({
    name: 'orc_db_up',
    help: `1 when the database answered this scrape's "select 1" within ${patience / 1000} s, else 0 (its figures then read NaN)`,
    registers: [registry],
    async collect() {
      this.set((await probe()) === null ? 0 : 1);
    }
  });

  return { registry, httpDuration, workerRuns, slaBreaches };
}
