import { describe, expect, test } from 'vitest';
import type { Sql } from '../../api/db/connect.ts';
import { createMetrics } from '../../api/metrics/metrics.ts';

// A database that never answers (a hung pool, a host gone from the network) or refuses at once (PostgreSQL down).
let cancelled = 0;
const hung = (() => Object.assign(new Promise(() => {}), { cancel: () => (cancelled += 1) })) as unknown as Sql;
const refusing = (() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))) as unknown as Sql;
const asked: string[] = [];
const answering = ((strings: TemplateStringsArray) => {
  const text = strings.join('?');
  asked.push(text);
  return Promise.resolve(text.includes('pg_stat_activity') ? [{ state: 'idle', n: 3 }] : text.includes('as age') ? [{ age: 42 }] : [{ n: 7 }]);
}) as unknown as Sql;

// The client's pool, as postgres.js (patched) tells it: while the database is away, connections are being opened
// again and the queries queue; once it answers, they are idle or at work.
const away = { idle: 0, inUse: 0, connecting: 2, closed: 8, waiting: 5 };
const answered = { idle: 3, inUse: 1, connecting: 0, closed: 6, waiting: 0 };

// prom-client writes NaN as "Nan"; Prometheus reads the word in any case (Go's strconv.ParseFloat).
const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));

describe('/metrics while the database is away (api/metrics/metrics.ts)', () => {
  for (const [what, sql] of [
    ['does not answer', hung],
    ['refuses', refusing]
  ] as const) {
    test(`when it ${what}, a scrape still answers: the process's figures, the database's as NaN, and orc_db_up 0`, async () => {
      const metrics = createMetrics({ sql, poolMax: 10, poolState: () => away, embedded: false }, { now: () => new Date(), dbPatienceMs: 50 });
      const text = await metrics.registry.metrics();
      expect(line(text, 'orc_db_up')).toBe('orc_db_up 0');
      expect(line(text, 'orc_outbox_pending')).toMatch(/^orc_outbox_pending nan$/i);
      expect(line(text, 'orc_outbox_oldest_pending_seconds')).toMatch(/^orc_outbox_oldest_pending_seconds nan$/i);
      expect(line(text, 'orc_db_ping_seconds')).toMatch(/^orc_db_ping_seconds nan$/i);
      expect(line(text, 'orc_db_connections')).toBeUndefined(); // no state is known, so none is claimed
      expect(line(text, 'orc_db_pool_max')).toBe('orc_db_pool_max 10');
      // Read from the process, not the database: they answer, and show the queries piling up.
      expect(line(text, 'orc_db_pool_waiting')).toBe('orc_db_pool_waiting 5');
      expect(text).toContain('orc_db_pool_connections{state="connecting"} 2');
      expect(text).toContain('orc_db_pool_connections{state="closed"} 8');
      expect(line(text, 'orc_process_cpu_user_seconds_total')).toMatch(/^orc_process_cpu_user_seconds_total \d/);
    });
  }

  test('a query given up on is cancelled, not left queued to run when the database comes back', async () => {
    cancelled = 0;
    const metrics = createMetrics({ sql: hung, poolMax: 10, poolState: () => away, embedded: false }, { now: () => new Date(), dbPatienceMs: 50 });
    await metrics.registry.metrics();
    // The outbox's two, the connections', and the one "select 1" that the round trip and orc_db_up share.
    expect(cancelled).toBe(4);
  });

  test("a cancel that fails (postgres.js cancels over a new connection, refused while the database is away) is not an unhandled rejection, which would end the server", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const refusedCancel = (() =>
        Object.assign(new Promise(() => {}), { cancel: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) })) as unknown as Sql;
      const metrics = createMetrics({ sql: refusedCancel, poolMax: 10, poolState: () => away, embedded: false }, { now: () => new Date(), dbPatienceMs: 50 });
      expect(line(await metrics.registry.metrics(), 'orc_db_up')).toBe('orc_db_up 0');
      await new Promise((resolve) => setTimeout(resolve, 50)); // Node reports an unhandled rejection after the microtasks run
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('when it answers, its figures are read as they are', async () => {
    const metrics = createMetrics({ sql: answering, poolMax: 10, poolState: () => answered, embedded: false }, { now: () => new Date(), dbPatienceMs: 1000 });
    const text = await metrics.registry.metrics();
    expect(line(text, 'orc_db_up')).toBe('orc_db_up 1');
    expect(line(text, 'orc_outbox_pending')).toBe('orc_outbox_pending 7');
    expect(line(text, 'orc_outbox_oldest_pending_seconds')).toBe('orc_outbox_oldest_pending_seconds 42');
    expect(line(text, 'orc_db_connections')).toBe('orc_db_connections{state="idle"} 3');
    expect(text).toContain('orc_db_pool_connections{state="in_use"} 1');
    expect(line(text, 'orc_db_pool_waiting')).toBe('orc_db_pool_waiting 0');
    expect(Number(line(text, 'orc_db_ping_seconds')!.split(' ')[1])).toBeGreaterThanOrEqual(0);
    expect(asked.filter((q) => q.trim() === 'select 1')).toHaveLength(1); // one probe for both figures
  });
});
