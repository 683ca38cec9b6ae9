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

/** Each year is seeded once (marked in server_keys), so a holiday the administrator removed stays removed. */
export async function seedStateHolidays(sql: Queryable, now: Date): Promise<number> {
  const year = Number(kolkataDate(now).slice(0, 4));
  let calendar: import('date-holidays').default | undefined;
  let added = 0;
  for (const y of [year, year + 1]) {
    const [fresh] = await sql`
      insert into server_keys (name, value, created_at) values (${`holidays-seeded-${y}`}, ${PACKAGE_SOURCE}, ${now})
      on conflict (name) do nothing returning name`;
    if (!fresh) continue;
    calendar ??= new (await import('date-holidays')).default('IN', 'WB');
    const days = calendar.getHolidays(y).filter((h) => h.type === 'public').map((h) => ({ day: h.date.slice(0, 10), name: h.name }));
    const rows = await sql`
      insert into holidays (day, name, source)
      select day::date, name, ${PACKAGE_SOURCE} from jsonb_to_recordset(${sql.json(days)}) as h(day text, name text)
      on conflict (day) do nothing`;
    added += rows.count;
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
