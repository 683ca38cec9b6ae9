import { describe, expect, test } from 'vitest';
import type { Sql } from '../../api/db/connect.ts';
import { createMetrics } from '../../api/metrics/metrics.ts';

// A database that never answers (a hung pool, a host gone from the network) or refuses at once (PostgreSQL down).
const hung = (() => new Promise(() => {})) as unknown as Sql;
const refusing = (() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))) as unknown as Sql;
const answering = ((strings: TemplateStringsArray) =>
  Promise.resolve(strings.join('?').includes('pg_stat_activity') ? [{ state: 'idle', n: 3 }] : strings.join('?').includes('as age') ? [{ age: 42 }] : [{ n: 7 }])) as unknown as Sql;

// prom-client writes NaN as "Nan"; Prometheus reads the word in any case (Go's strconv.ParseFloat).
const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));

describe('/metrics while the database is away (api/metrics/metrics.ts)', () => {
  for (const [what, sql] of [
    ['does not answer', hung],
    ['refuses', refusing]
  ] as const) {
    test(`when it ${what}, a scrape still answers: the process's figures, the database's as NaN, and orc_db_up 0`, async () => {
      const metrics = createMetrics(sql, { poolMax: 10, embedded: false, now: () => new Date(), dbPatienceMs: 50 });
      const text = await metrics.registry.metrics();
      expect(line(text, 'orc_db_up')).toBe('orc_db_up 0');
      expect(line(text, 'orc_outbox_pending')).toMatch(/^orc_outbox_pending nan$/i);
      expect(line(text, 'orc_outbox_oldest_pending_seconds')).toMatch(/^orc_outbox_oldest_pending_seconds nan$/i);
      expect(line(text, 'orc_db_ping_seconds')).toMatch(/^orc_db_ping_seconds nan$/i);
      expect(line(text, 'orc_db_connections')).toBeUndefined(); // no state is known, so none is claimed
      expect(line(text, 'orc_db_pool_max')).toBe('orc_db_pool_max 10');
      expect(line(text, 'orc_process_cpu_user_seconds_total')).toMatch(/^orc_process_cpu_user_seconds_total \d/);
    });
  }

  test('when it answers, its figures are read as they are', async () => {
    const metrics = createMetrics(answering, { poolMax: 10, embedded: false, now: () => new Date(), dbPatienceMs: 1000 });
    const text = await metrics.registry.metrics();
    expect(line(text, 'orc_db_up')).toBe('orc_db_up 1');
    expect(line(text, 'orc_outbox_pending')).toBe('orc_outbox_pending 7');
    expect(line(text, 'orc_outbox_oldest_pending_seconds')).toBe('orc_outbox_oldest_pending_seconds 42');
    expect(line(text, 'orc_db_connections')).toBe('orc_db_connections{state="idle"} 3');
    expect(Number(line(text, 'orc_db_ping_seconds')!.split(' ')[1])).toBeGreaterThanOrEqual(0);
  });
});
