// Days the offices are closed besides Sundays (DESIGN §5). The fixed-date public holidays of West Bengal come from
// the maintained `date-holidays` package (IN-WB) for this year and the next, at every start; it lacks the lunar
// festivals (Durga Puja, Kali Puja, Eid, Holi, Muharram), which are the state's longest closures, so the
// administrator adds the state's notified list each year on the holidays page.
//
// The package holds every country's calendar (8 MB of V8's heap once loaded), so it is loaded only by a start that
// has a year to seed, normally the first of each year; every other start, and the process's whole life, goes without.
import { createRequire } from 'node:module';
import type { Queryable } from '../db/connect.ts';
import { kolkataDate } from '../time.ts';

const version = (createRequire(import.meta.url)('date-holidays/package.json') as { version: string }).version;
export const PACKAGE_SOURCE = `date-holidays ${version} (IN-WB)`;

/**
 * Each year is seeded once (marked in server_keys), so a holiday the administrator removed stays removed. A year is
 * marked only after its days are in: a start that fails on the way (the package, the database) leaves the year to the
 * next start, which adds what is missing (two starts at once add each day once).
 */
export async function seedStateHolidays(sql: Queryable, now: Date): Promise<number> {
  const year = Number(kolkataDate(now).slice(0, 4));
  const marker = (y: number) => `holidays-seeded-${y}`;
  const seeded = await sql<{ name: string }[]>`select name from server_keys where name in (${marker(year)}, ${marker(year + 1)})`;
  const due = [year, year + 1].filter((y) => !seeded.some((s) => s.name === marker(y)));
  if (due.length === 0) return 0;
  const calendar = new (await import('date-holidays')).default('IN', 'WB');
  let added = 0;
  for (const y of due) {
    const days = calendar.getHolidays(y).filter((h) => h.type === 'public').map((h) => ({ day: h.date.slice(0, 10), name: h.name }));
    const rows = await sql`
      insert into holidays (day, name, source)
      select day::date, name, ${PACKAGE_SOURCE} from jsonb_to_recordset(${sql.json(days)}) as h(day text, name text)
      on conflict (day) do nothing`;
    added += rows.count;
    await sql`insert into server_keys (name, value, created_at) values (${marker(y)}, ${PACKAGE_SOURCE}, ${now}) on conflict (name) do nothing`;
  }
  return added;
}

export interface Holiday {
  day: string;
  name: string;
  source: string;
}

export async function listHolidays(sql: Queryable, year: number): Promise<Holiday[]> {
  return sql<Holiday[]>`
    select day::text, name, source from holidays
    where day >= make_date(${year}, 1, 1) and day < make_date(${year + 1}, 1, 1)
    order by day`;
}

/** The administrator's holiday; null when that day is already one. */
export async function addHoliday(sql: Queryable, input: { day: string; name: string }, by: string): Promise<Holiday | null> {
  const [row] = await sql<Holiday[]>`
    insert into holidays (day, name, source, created_by) values (${input.day}, ${input.name}, 'administrator', ${by})
    on conflict (day) do nothing
    returning day::text, name, source`;
  return row ?? null;
}

/** Whether there was a holiday that day to remove. Due dates already set stay as they were. */
export async function removeHoliday(sql: Queryable, day: string): Promise<boolean> {
  const removed = await sql`delete from holidays where day = ${day}`;
  return removed.count > 0;
}
