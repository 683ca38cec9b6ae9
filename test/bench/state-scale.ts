// DESIGN §10, state scale: 10,000,000 applications across the 23 districts — the SLA sweep ≤ 2 s, a district's MIS
// summary for a year ≤ 500 ms, the state's ≤ 2 s. Real PostgreSQL only: the embedded database is for one district.
//
// The districts are the real ones (api/offices/west-bengal.csv: 345 blocks and 126 municipal areas), so each
// district's share of the load follows its number of offices: North 24 Parganas, with 22 blocks and 26 municipal
// areas, gets about a tenth of it.
//
// `--size=N` sets the number of applications (default 10,000,000); `--smoke` makes 2,000. The rows are made by
// set-based SQL (generate_series), a million per statement, with the secondary indexes dropped during the load and
// built afterwards, and the foreign keys left unchecked (the generator only names offices and users it made): built
// row by row, 10,000,000 rows and ten indexes would take hours on a 2-core machine.
import { loadConfig } from '../../api/config.ts';
import { openDatabase, type Sql } from '../../api/db/connect.ts';
import { migrate } from '../../api/db/migrate.ts';
import { createLogger } from '../../api/log.ts';
import { misSummary } from '../../api/mis/summary.ts';
import { ensureOfficesImported } from '../../api/offices/import.ts';
import { sweep } from '../../api/sla/sweeper.ts';
import { liveMisSummary } from '../support/mis-live.ts';
import { createTestDatabase } from '../support/server.ts';
import { isDeepStrictEqual } from 'node:util';
import { generateApplications } from './generate.ts';
import { median, type BenchOptions } from './support.ts';

const NOW = new Date('2026-11-27T05:00:00Z');
const YEAR = { from: '2025-11-28', to: '2026-11-27' };

/** Every district's offices from the data file, as a server's start loads them (issue 15 item 1), and their officers. */
async function makeDistricts(sql: Sql): Promise<void> {
  await ensureOfficesImported(sql, NOW);
  // The officers the sweeper writes to: a BDO per block, an SDO per subdivision, a DM per district, one admin.
  await sql`
    insert into users (id, name, mobile, role, office_id, password_hash)
    select 'bench-' || o.kind || '-' || o.id, 'Bench Officer', '+9197' || lpad(row_number() over (order by o.id)::text, 8, '0'),
           case o.kind when 'district' then 'dm' when 'subdivision' then 'sdo' else 'bdo' end, o.id, 'x'
    from offices o where o.kind in ('district', 'subdivision', 'block', 'urban')
    union all select 'bench-citizen', 'Bench Citizen', '+919830000001', 'citizen', null, 'x'
    union all select 'bench-admin', 'Bench Admin', '+919830000002', 'admin', null, 'x'
    on conflict do nothing`;
}

/** The state's offices and officers, then `total` applications over every block and municipal area (generate.ts). */
export async function generateState(sql: Sql, total: number, open: number, progress: (line: string) => void = () => {}): Promise<void> {
  await makeDistricts(sql);
  const secondary = await sql<{ indexdef: string; indexname: string }[]>`
    select indexname, indexdef from pg_indexes
    where tablename = 'applications' and indexname not in (select conname from pg_constraint where conrelid = 'applications'::regclass)`;
  for (const i of secondary) await sql`drop index ${sql(i.indexname)}`;
  const offices = (await sql<{ id: string }[]>`select id from offices where kind in ('block', 'urban') order by id`).map((o) => o.id);
  await generateApplications(sql, { officeIds: offices, total, open, now: NOW, batch: 1_000_000, progress: (n) => progress(`  state: ${n.toLocaleString('en')} applications written`) });
  // pg_indexes gives the definitions back as text; replaying them is the one use of sql.unsafe here (a benchmark's
  // own DDL, no value from outside).
  for (const i of secondary) {
    await sql.begin(async (tx) => {
      await tx`set local maintenance_work_mem = '256MB'`;
      await tx.unsafe(i.indexdef);
    });
    progress(`  state: index ${i.indexname} rebuilt`);
  }
  // As the autovacuum daemon leaves a production table: visibility map set, so MIS scans stay index-only.
  await sql`vacuum analyze applications, mis_received, mis_decided, mis_rejections`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - started), value };
}

export async function benchState({ smoke = false, size }: BenchOptions = {}) {
  const total = smoke ? 2_000 : (size ?? 10_000_000);
  const open = Math.round(total * 0.015);
  const pg = await createTestDatabase();
  const db = await openDatabase({ databaseUrl: pg.url, dataDir: '/tmp', max: 10 });
  try {
    await migrate(db.sql);
    const generated = await timed(() => generateState(db.sql, total, open, smoke ? undefined : (line) => console.log(line)));
    const [table] = await db.sql<{ size: string }[]>`select pg_size_pretty(pg_total_relation_size('applications')) as size`;

    const config = loadConfig({ LOG_LEVEL: 'silent', SLA_REMINDER_HOUR: '9' });
    const deps = { sql: db.sql, clock: { now: () => NOW }, config, log: createLogger('silent') };
    const first = await timed(() => sweep(deps));
    const steady = await timed(() => sweep(deps));

    // The state's MIS is the one the administrator reads, over every block and municipal area; a district's is its
    // DM's, over the district's own (North 24 Parganas, the largest, and Murshidabad, with many blocks and few towns).
    const blocksOf = async (district: string | null) =>
      (await db.sql<{ id: string }[]>`select id from offices where kind in ('block', 'urban') and (${district}::text is null or district_id = ${district})`).map((b) => b.id);
    const runs = async (blocks: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await timed(() => misSummary(db.sql, blocks, YEAR.from, YEAR.to, NOW))).ms);
      return `${median(times)} (runs ${times.join(', ')})`;
    };
    // The counters give what the plain queries over applications give (once, timed: the figure before the counters).
    const everyBlock = await blocksOf(null);
    const live = await timed(() => liveMisSummary(db.sql, everyBlock, YEAR.from, YEAR.to, NOW));
    if (!isDeepStrictEqual(live.value, await misSummary(db.sql, everyBlock, YEAR.from, YEAR.to, NOW))) throw new Error('state scale: the MIS counters differ from the applications');
    const state = await runs(everyBlock);
    const [n24Offices, otherOffices] = [await blocksOf('n24pgs'), await blocksOf('murshidabad')];
    const n24 = await runs(n24Offices);
    const other = await runs(otherOffices);
    return {
      name: `state scale: ${total.toLocaleString('en')} applications (${open.toLocaleString('en')} open), 23 districts, real PostgreSQL`,
      generateSeconds: Math.round(generated.ms / 1000),
      applicationsTableSize: table!.size,
      firstSweepMs: `${first.ms} (breaches ${first.value.breaches}, L1 ${first.value.l1Breaches}, reminders ${first.value.reminders})`,
      steadySweepMs: steady.ms,
      stateMisYearMs: state,
      stateMisYearFromApplicationsMs: live.ms,
      districtMisYearMs: `${n24} North 24 Parganas (${n24Offices.length} offices); ${other} Murshidabad (${otherOffices.length} offices)`,
      bars: 'sweep ≤ 2,000 ms; a district MIS for a year ≤ 500 ms; the state MIS for a year ≤ 2,000 ms'
    };
  } finally {
    await db.close();
    await pg.drop();
  }
}
