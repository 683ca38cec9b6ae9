// The background workers count a failed pass (orc_worker_runs_total{outcome="failed"}) and log it, and keep running:
// the operator's alert on failed passes (README, Metrics and logs) rests on this.
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import type { Sql } from '../../api/db/connect.ts';
import { systemClock, type Deps } from '../../api/deps.ts';
import { createLogger } from '../../api/log.ts';
import { createMetrics } from '../../api/metrics/metrics.ts';
import { startDispatcher } from '../../api/notify/outbox.ts';
import { startSweeper } from '../../api/sla/sweeper.ts';

// PostgreSQL refusing every connection, whichever way it is asked.
const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
const sql = Object.assign(refused, { begin: refused, unsafe: refused }) as unknown as Sql;

async function failedPasses(metrics: ReturnType<typeof createMetrics>, worker: string): Promise<number> {
  const { values } = await metrics.workerRuns.get();
  return values.find((v) => v.labels.worker === worker && v.labels.outcome === 'failed')?.value ?? 0;
}

describe('a worker whose pass fails', () => {
  for (const [worker, event, start] of [
    ['sweeper', 'sweep_failed', startSweeper],
    ['dispatcher', 'dispatcher_failed', startDispatcher]
  ] as const) {
    test(`the ${worker} counts it as failed, logs ${event}, and tries again`, async () => {
      const metrics = createMetrics({ sql, poolMax: 1, poolState: () => ({ idle: 1, inUse: 0, connecting: 0, closed: 0, waiting: 0 }), embedded: false }, { now: () => new Date(), dbPatienceMs: 10 });
      const lines: string[] = [];
      // What a pass needs before it reaches the database; the senders are never called.
      const deps = { sql, clock: systemClock, config: loadConfig({}), log: createLogger('error', (line) => lines.push(line)) } as Partial<Deps> as Deps;
      const running = start(deps, 5, metrics);
      for (let i = 0; i < 200 && (await failedPasses(metrics, worker)) < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await running.stop();
      expect(await failedPasses(metrics, worker)).toBeGreaterThanOrEqual(2); // failed, and was tried again
      expect(lines.map((l) => JSON.parse(l) as { event: string; level: string })).toContainEqual(expect.objectContaining({ event, level: 'error' }));
      expect((await metrics.workerRuns.get()).values.filter((v) => v.labels.worker === worker && v.labels.outcome === 'ok')).toEqual([]);
    });
  }
});
