// DESIGN §10: the SLA sweep and the MIS summary over 1,000,000 applications, 100,000 of them open, on real
// PostgreSQL — sweep ≤ 2 s, MIS summary ≤ 500 ms. Then the same on the embedded PGlite with 100,000 applications
// (10,000 open), next to PostgreSQL with the same rows: the figures must be equal, and the ratio says how much
// slower the embedded database is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config.ts';
import { openDatabase, type Sql } from '../../api/db/connect.ts';
import { migrate } from '../../api/db/migrate.ts';
import { createLogger } from '../../api/log.ts';
import { misSummary } from '../../api/mis/summary.ts';
import { sweep } from '../../api/sla/sweeper.ts';
import { createTestDatabase } from '../support/server.ts';
import { generateApplications } from './generate.ts';
import type { BenchOptions } from './support.ts';

const NOW = new Date('2026-11-27T05:00:00Z');

/** `total` applications in the district's 22 blocks (generate.ts), `open` of them still with an officer. */
export async function generateDistrict(sql: Sql, total: number, open: number): Promise<void> {
  await sql`insert into users (id, name, mobile, role, password_hash) values ('bench-citizen', 'Bench Citizen', '+919830000001', 'citizen', 'x') on conflict do nothing`;
  await sql`
    insert into users (id, name, mobile, role, office_id, password_hash)
    select 'bench-bdo-' || o.code, 'BDO ' || o.name_en, '+9198310' || lpad(o.code, 5, '0'), 'bdo', o.id, 'x' from offices o where o.kind = 'block' and o.district_id = 'n24pgs'
    union all select 'bench-dm', 'Bench DM', '+919832000001', 'dm', 'n24pgs', 'x'
    on conflict do nothing`;
  const blocks = (await sql<{ id: string }[]>`select id from offices where kind = 'block' and district_id = 'n24pgs' order by code`).map((b) => b.id);
  await generateApplications(sql, { officeIds: blocks, total, open, now: NOW, batch: 100_000 });
  // As the autovacuum daemon leaves a production table: visibility map set, so MIS scans stay index-only.
  await sql`vacuum analyze applications, mis_received, mis_decided, mis_rejections`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - started), value };
}

async function measure(sql: Sql, label: string) {
  const config = loadConfig({ LOG_LEVEL: 'silent', SLA_REMINDER_HOUR: '9' });
  const deps = { sql, clock: { now: () => NOW }, config, log: createLogger('silent') };
  const first = await timed(() => sweep(deps));
  const steady = await timed(() => sweep(deps));
  const blocks = (await sql<{ id: string }[]>`select id from offices where kind = 'block'`).map((b) => b.id);
  const runs = async (from: string) => {
    const times: number[] = [];
    let value: Awaited<ReturnType<typeof misSummary>> | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await timed(() => misSummary(sql, blocks, from, '2026-11-27', NOW));
      times.push(r.ms);
      value = r.value;
    }
    return { median: times.sort((a, b) => a - b)[2]!, value: value! };
  };
  const month = await runs('2026-10-29');
  const year = await runs('2025-11-28');
  return { label, first, steady, month, year };
}

export async function benchSlaMis({ smoke = false }: BenchOptions = {}) {
  // The smoke run: the same steps on a thousandth of the rows.
  const big = smoke ? { total: 1_000, open: 100 } : { total: 1_000_000, open: 100_000 };
  const small = smoke ? { total: 1_000, open: 100 } : { total: 100_000, open: 10_000 };
  // 1. PostgreSQL, 1,000,000 applications.
  const bigPg = await createTestDatabase();
  const bigDb = await openDatabase({ databaseUrl: bigPg.url, dataDir: tmpdir(), max: 10 });
  await migrate(bigDb.sql);
  const generated = await timed(() => generateDistrict(bigDb.sql, big.total, big.open));
  const pg1m = await measure(bigDb.sql, 'postgres 1M');
  await bigDb.close();
  await bigPg.drop();

  // 2. The same 100,000 rows on PostgreSQL and on PGlite.
  const smallPg = await createTestDatabase();
  const smallDb = await openDatabase({ databaseUrl: smallPg.url, dataDir: tmpdir(), max: 10 });
  await migrate(smallDb.sql);
  await generateDistrict(smallDb.sql, small.total, small.open);
  const pg100k = await measure(smallDb.sql, 'postgres 100k');
  await smallDb.close();
  await smallPg.drop();

  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-pglite-'));
  const lite = await openDatabase({ dataDir: dir });
  await migrate(lite.sql);
  await generateDistrict(lite.sql, small.total, small.open);
  const lite100k = await measure(lite.sql, 'pglite 100k');
  await lite.close();
  rmSync(dir, { recursive: true, force: true });

  const same = JSON.stringify(pg100k.year.value) === JSON.stringify(lite100k.year.value) && pg100k.first.value.breaches === lite100k.first.value.breaches;
  const ratio = (a: number, b: number) => `${(a / Math.max(1, b)).toFixed(1)}×`;
  return {
    name: `SLA sweep and MIS summary (${big.total.toLocaleString('en')} applications, ${big.open.toLocaleString('en')} open)`,
    generateSeconds: Math.round(generated.ms / 1000),
    firstSweepMs: `${pg1m.first.ms} (breaches ${pg1m.first.value.breaches}, L1 ${pg1m.first.value.l1Breaches}, reminders ${pg1m.first.value.reminders})`,
    steadySweepMs: pg1m.steady.ms,
    misLast30DaysMs: pg1m.month.median,
    misLastYearMs: pg1m.year.median,
    bars: 'sweep ≤ 2,000 ms; MIS ≤ 500 ms',
    embedded100kFiguresEqual: same,
    embeddedFirstSweepMs: `${lite100k.first.ms} vs ${pg100k.first.ms} on PostgreSQL (${ratio(lite100k.first.ms, pg100k.first.ms)})`,
    embeddedSteadySweepMs: `${lite100k.steady.ms} vs ${pg100k.steady.ms} (${ratio(lite100k.steady.ms, pg100k.steady.ms)})`,
    embeddedMisYearMs: `${lite100k.year.median} vs ${pg100k.year.median} (${ratio(lite100k.year.median, pg100k.year.median)})`
  };
}
