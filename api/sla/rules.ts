// The SLA of an application (seed §C, DESIGN §5): which step it is in, who must act, by when, and who is alerted
// when that passes. The rules live in the sla_rules table; this module turns them into due times.
import type { Queryable } from '../db/connect.ts';
import type { Status } from '../applications/workflow.ts';
import { addWorkingDays, holidaysFrom, type DayCount } from './calendar.ts';

export const slaSteps = ['scrutiny', 'enquiry', 'approval'] as const;
export type SlaStep = (typeof slaSteps)[number];

export interface SlaRule {
  step: SlaStep;
  responsibleRole: 'bdo' | 'eo';
  dueDays: number;
  l1Role: 'bdo' | 'sdo' | 'dm';
  l1DueDays: number;
}

/** The step an application in this status waits in; null when no officer owes anything (sent back, decided). */
export function stepOf(status: Status): SlaStep | null {
  if (status === 'submitted') return 'scrutiny';
  if (status === 'under_enquiry') return 'enquiry';
  if (status === 'enquiry_reported') return 'approval';
  return null;
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
