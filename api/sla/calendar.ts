// Working days (DESIGN §5): Sundays and the holidays table are skipped, and a due date falls at the end of that day
// in Asia/Kolkata. India has no daylight saving, so Kolkata is always UTC+05:30 and plain arithmetic is exact.
import type { Queryable } from '../db/connect.ts';

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const DAY_MS = 86_400_000;

/** The calendar date ("2026-11-27") in Kolkata at this instant. */
export function kolkataDate(at: Date): string {
  return new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59.999 Kolkata time on that date. */
export function endOfKolkataDay(date: string): Date {
  return new Date(Date.parse(date + 'T00:00:00Z') - IST_OFFSET_MS + DAY_MS - 1);
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  return new Date(date + 'T00:00:00Z').getUTCDay() !== 0 && !holidays.has(date);
}

/** The end of the n-th working day after the day of `from`: T+n in the government order's SLA matrix (§C). */
export function addWorkingDays(from: Date, n: number, holidays: ReadonlySet<string>): Date {
  let date = kolkataDate(from);
  let left = n;
  while (left > 0) {
    date = new Date(Date.parse(date + 'T00:00:00Z') + DAY_MS).toISOString().slice(0, 10);
    if (isWorkingDay(date, holidays)) left -= 1;
  }
  return endOfKolkataDay(date);
}

/** Days the government order allows from submission to decision (§C: approval at T+5). */
export const DECISION_WORKING_DAYS = 5;

/** When the decision on an application received (or received again, after a send-back) at `at` is due. */
export async function decisionDueAt(sql: Queryable, at: Date): Promise<Date> {
  const holidays = await sql<{ day: string }[]>`select day::text from holidays where day >= ${kolkataDate(at)}::date order by day limit 400`;
  return addWorkingDays(at, DECISION_WORKING_DAYS, new Set(holidays.map((h) => h.day)));
}
