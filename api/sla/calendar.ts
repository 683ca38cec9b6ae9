// Working days (DESIGN §5): Sundays and the holidays table are skipped, and a due date falls at the end of that day
// in Asia/Kolkata (api/time.ts).
// SLA_DAYS=calendar counts every day instead, for a district that chooses to.
import type { Queryable } from '../db/connect.ts';
import { DAY_MS, endOfKolkataDay, kolkataDate } from '../time.ts';

export type DayCount = 'working' | 'calendar';

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  return new Date(date + 'T00:00:00Z').getUTCDay() !== 0 && !holidays.has(date);
}

/**
 * The end of the n-th working day after the day of `from`: T+n in the government order's SLA matrix (§C). A
 * submission on a Sunday or a holiday counts from that day all the same: T+1 is the next working day.
 */
export function addWorkingDays(from: Date, n: number, holidays: ReadonlySet<string>, count: DayCount = 'working'): Date {
  let date = kolkataDate(from);
  let left = n;
  while (left > 0) {
    date = new Date(Date.parse(date + 'T00:00:00Z') + DAY_MS).toISOString().slice(0, 10);
    if (count === 'calendar' || isWorkingDay(date, holidays)) left -= 1;
  }
  return endOfKolkataDay(date);
}

/** Holidays from the day of `from` on, enough for any due date. */
export async function holidaysFrom(sql: Queryable, from: Date): Promise<Set<string>> {
  const rows = await sql<{ day: string }[]>`select day::text from holidays where day >= ${kolkataDate(from)}::date order by day limit 400`;
  return new Set(rows.map((h) => h.day));
}
