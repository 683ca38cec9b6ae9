// Days the offices are closed besides Sundays (DESIGN §5). The fixed-date public holidays of West Bengal come from
// the maintained `date-holidays` package (IN-WB) for this year and the next, at every start; it lacks the lunar
// festivals (Durga Puja, Kali Puja, Eid, Holi, Muharram), which are the state's longest closures, so the
// administrator adds the state's notified list each year on the holidays page.
import { createRequire } from 'node:module';
import Holidays from 'date-holidays';
import type { Queryable } from '../db/connect.ts';
import { kolkataDate } from './calendar.ts';

const version = (createRequire(import.meta.url)('date-holidays/package.json') as { version: string }).version;
export const PACKAGE_SOURCE = `date-holidays ${version} (IN-WB)`;

export async function seedStateHolidays(sql: Queryable, now: Date): Promise<number> {
  const year = Number(kolkataDate(now).slice(0, 4));
  const calendar = new Holidays('IN', 'WB');
  const days = [year, year + 1].flatMap((y) => calendar.getHolidays(y).filter((h) => h.type === 'public').map((h) => ({ day: h.date.slice(0, 10), name: h.name })));
  if (days.length === 0) return 0;
  const added = await sql`
    insert into holidays (day, name, source)
    select day::date, name, ${PACKAGE_SOURCE} from jsonb_to_recordset(${sql.json(days)}) as h(day text, name text)
    on conflict (day) do nothing`;
  return added.count;
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
