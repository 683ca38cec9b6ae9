// The SLA of an application (seed §C, DESIGN §5): which step it is in, who must act, by when, and who is alerted
// when that passes. The rules live in the sla_rules table; this module turns them into due times.
import type { Queryable } from '../db/connect.ts';
import { openStatuses, stepOf, type SlaStep, type Status } from '../../shared/workflow.ts';
import { addWorkingDays, holidaysFrom, type DayCount } from './calendar.ts';

// The steps and which status waits in which are words the PWA shares (shared/workflow.ts).
export { slaSteps, stepOf, type SlaStep } from '../../shared/workflow.ts';

export interface SlaRule {
  step: SlaStep;
  responsibleRole: 'bdo' | 'eo';
  dueDays: number;
  l1Role: 'bdo' | 'sdo' | 'dm';
  l1DueDays: number;
}

/**
 * `stepOf` in SQL, for an open application aliased `a`: written out from the same pairs (as parameters), so the two
 * cannot drift apart; null for a status no officer owes anything in.
 */
export const stepOfApplicationSql = (sql: Queryable) => {
  const arms = openStatuses.reduce((cases, status) => sql`${cases} when ${status} then ${stepOf(status)}`, sql`case a.status`);
  return sql`(${arms} end)`;
};

/** The rules in their order, as the time-limit matrix prints them. */
export async function listSlaRules(sql: Queryable): Promise<SlaRule[]> {
  return sql<SlaRule[]>`
    select step, responsible_role, due_days, l1_role, l1_due_days from sla_rules order by position`;
}

export interface SlaClock {
  rules: Record<SlaStep, SlaRule>;
  holidays: ReadonlySet<string>;
  count: DayCount;
}

export async function loadSlaClock(sql: Queryable, from: Date, count: DayCount): Promise<SlaClock> {
  const [rows, holidays] = await Promise.all([
    sql<SlaRule[]>`select step, responsible_role, due_days, l1_role, l1_due_days from sla_rules`,
    holidaysFrom(sql, from)
  ]);
  return { rules: Object.fromEntries(rows.map((r) => [r.step, r])) as Record<SlaStep, SlaRule>, holidays, count };
}

export interface SlaDues {
  /** The current step's due time; null while nothing is owed. */
  stepDueAt: Date | null;
  l1DueAt: Date | null;
  /** The decision expected by: T plus the approval step's days (what the citizen is told). */
  expectedBy: Date;
}

/**
 * Open applications without step dues (filed before the SLA existed) get them from their T, once, at start.
 * Returns how many it filled.
 */
export async function fillMissingDues(sql: Queryable, count: DayCount): Promise<number> {
  const missing = await sql<{ id: string; status: Status; slaStartedAt: Date }[]>`
    select id::text, status, sla_started_at from applications
    where status = any(${openStatuses}) and step_due_at is null`;
  if (missing.length === 0) return 0;
  const earliest = new Date(Math.min(...missing.map((m) => m.slaStartedAt.getTime())));
  const clock = await loadSlaClock(sql, earliest, count);
  for (const m of missing) {
    const dues = duesFor(m.status, m.slaStartedAt, clock);
    await sql`update applications set step_due_at = ${dues.stepDueAt}, l1_due_at = ${dues.l1DueAt} where id = ${m.id} and step_due_at is null`;
  }
  return missing.length;
}

/**
 * A step begun again later than the matrix assumes (a re-enquiry after a report): the officer gets the step's own
 * window from now (T+1 to T+4 for an enquiry: three working days) instead of a due time already past.
 */
export function restartedDues(status: Status, from: Date, clock: SlaClock): Pick<SlaDues, 'stepDueAt' | 'l1DueAt'> {
  const step = stepOf(status);
  if (!step) return { stepDueAt: null, l1DueAt: null };
  const rule = clock.rules[step];
  const before = step === 'enquiry' ? clock.rules.scrutiny.dueDays : step === 'approval' ? clock.rules.enquiry.dueDays : 0;
  const add = (days: number) => addWorkingDays(from, Math.max(0, days - before), clock.holidays, clock.count);
  return { stepDueAt: add(rule.dueDays), l1DueAt: add(rule.l1DueDays) };
}

/** Due times for an application that is now in `status`, with the clock started at T. */
export function duesFor(status: Status, startedAt: Date, clock: SlaClock): SlaDues {
  const add = (days: number) => addWorkingDays(startedAt, days, clock.holidays, clock.count);
  const step = stepOf(status);
  const rule = step ? clock.rules[step] : null;
  return {
    stepDueAt: rule ? add(rule.dueDays) : null,
    l1DueAt: rule ? add(rule.l1DueDays) : null,
    expectedBy: add(clock.rules.approval.dueDays)
  };
}
