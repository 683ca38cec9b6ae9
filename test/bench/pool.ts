// postgres.js's pool under steady load: 50 callers, 10 connections, one query each at a time, for long enough that
// the pool's busy queue is never empty. It prints the client's CPU per query in successive slices of the run, which
// stay level when the pool's queues are sound and grow with the queries served when they are not (the patch to
// postgres.js's queue.js, patches/; test/unit/postgres-queue.test.ts). This is the client's side of every route.
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { createTestDatabase } from '../support/server.ts';
import type { BenchOptions } from './support.ts';

export async function benchPool({ smoke = false }: BenchOptions = {}) {
  const slices = smoke ? 2 : 6;
  const perSlice = smoke ? 2_000 : 50_000;
  const db = await createTestDatabase();
  const sql = postgres(...postgresOptions(db.url, { max: 10, onnotice: () => {} }));
  const cpuMicros: number[] = [];
  let seconds = 0;
  try {
    for (let slice = 0; slice < slices; slice++) {
      let left = perSlice;
      const before = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (left-- > 0) await sql`select ${left}::int as n`;
        })
      );
      seconds += (performance.now() - started) / 1000;
      const used = process.cpuUsage(before);
      cpuMicros.push((used.user + used.system) / perSlice);
    }
  } finally {
    await sql.end();
    await db.drop();
  }
  return {
    name: `postgres.js pool, 50 callers on 10 connections, ${slices} slices of ${perSlice.toLocaleString('en')} queries`,
    cpuPerQueryUs: cpuMicros.map((us) => us.toFixed(1)).join(' / '),
    lastToFirst: `${(cpuMicros.at(-1)! / cpuMicros[0]!).toFixed(2)}×`,
    queriesPerSecond: Math.round((slices * perSlice) / seconds),
    bars: 'CPU per query stays level as the queries served grow (lastToFirst about 1)'
  };
}
