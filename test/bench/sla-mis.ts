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
import type { BenchOptions } from './support.ts';

const NOW = new Date('2026-11-27T05:00:00Z');

/**
 * `total` applications over the 23 months before NOW in the 22 blocks; `open` of them still with an officer (one in
 * ten of those past its time), the rest decided 1–12 days after submission. Deterministic: row g decides all.
 */
export async function generateApplications(sql: Sql, total: number, open: number): Promise<void> {
  await sql`insert into users (id, name, mobile, role, password_hash) values ('bench-citizen', 'Bench Citizen', '+919830000001', 'citizen', 'x') on conflict do nothing`;
  await sql`
    insert into users (id, name, mobile, role, office_id, password_hash)
    select 'bench-bdo-' || o.code, 'BDO ' || o.name_en, '+9198310' || lpad(o.code, 5, '0'), 'bdo', o.id, 'x' from offices o where o.kind = 'block'
    union all select 'bench-dm', 'Bench DM', '+919832000001', 'dm', 'n24pgs', 'x'
    on conflict do nothing`;
  const batch = 100_000;
  for (let first = 1; first <= total; first += batch) {
    const last = Math.min(total, first + batch - 1);
    // Triggers off for the load, the MIS's counters' among them, filled below as one count (as in state-scale.ts):
    // a million rows each counted by its own trigger would add minutes.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`
      with blocks as (select array_agg(id order by code) as ids from offices where kind = 'block'),
      g as (
        select g, (g % 22) + 1 as b, ${NOW}::timestamptz - ((g * 7919 % 700) || ' days')::interval - ((g % 86400) || ' seconds')::interval as submitted,
               g <= ${open} as is_open, (g * 31 % 100) as roll
        from generate_series(${first}::bigint, ${last}::bigint) g)
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                sla_started_at, step_due_at, l1_due_at, updated_at, decided_at, decision_code, idempotency_key, request_hash)
      select (26000000000000 + g)::text,
             case when is_open then (array['submitted', 'under_enquiry', 'enquiry_reported'])[(g % 3) + 1]
                  when roll < 70 then 'approved' when roll < 85 then 'delivered' else 'rejected' end,
             'bench-citizen', 'bench-citizen', (array['web', 'web', 'kiosk', 'csc'])[(g % 4) + 1], blocks.ids[b], 'Bench Applicant', '{}'::jsonb,
             case when is_open then ${NOW}::timestamptz - ((g % 20) || ' days')::interval else submitted end,
             submitted + interval '7 days', submitted,
             -- one in ten open ones past its time (half of those past L1's too), one in ten due tonight (a reminder)
             case when is_open then ${NOW}::timestamptz + case g % 10 when 0 then interval '-1 day' when 1 then interval '13 hours 29 minutes' else ((g % 5 + 1) || ' days')::interval end end,
             case when is_open then ${NOW}::timestamptz + case when g % 20 = 0 then interval '-1 hour' else ((g % 5 + 3) || ' days')::interval end end,
             submitted,
             case when is_open then null else submitted + (((g % 12) + 1) || ' days')::interval end,
             case when not is_open and roll >= 85 then (array['documents_insufficient', 'not_resident', 'false_information', 'duplicate', 'other'])[(g % 5) + 1] end,
             'bench-' || g, 'x'
      from g, blocks`;
    });
  }
  await sql`select mis_rebuild()`;
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
  const generated = await timed(() => generateApplications(bigDb.sql, big.total, big.open));
  const pg1m = await measure(bigDb.sql, 'postgres 1M');
  await bigDb.close();
  await bigPg.drop();

  // 2. The same 100,000 rows on PostgreSQL and on PGlite.
  const smallPg = await createTestDatabase();
  const smallDb = await openDatabase({ databaseUrl: smallPg.url, dataDir: tmpdir(), max: 10 });
  await migrate(smallDb.sql);
  await generateApplications(smallDb.sql, small.total, small.open);
  const pg100k = await measure(smallDb.sql, 'postgres 100k');
  await smallDb.close();
  await smallPg.drop();

  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-pglite-'));
  const lite = await openDatabase({ dataDir: dir });
  await migrate(lite.sql);
  await generateApplications(lite.sql, small.total, small.open);
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
