// A breach of the SLA (seed §C, DESIGN §5): an open application past its step's due time (level `responsible`) or
// past the L1 officer's (level `l1`), recorded once in sla_breaches. The sweeper records them on its interval and
// alerts; a step that an officer leaves late is recorded in the same transaction that leaves it (act.ts, report.ts).
import type { Queryable } from '../db/connect.ts';
import { openStatuses } from '../../shared/workflow.ts';
import { stepOfApplicationSql, type SlaStep } from './rules.ts';

// What the messages need about each new row, shared by the sweeper's three parts; `fresh` is the insert's RETURNING.
// The office's names and superiors are not repeated on each row: a backlog's tens of thousands of events come from a
// few hundred offices, which the sweeper reads once.
export const describeFresh = (sql: Queryable) => sql`
  select f.application_id::text as "applicationId", a.ain, a.office_id as "officeId", f.step, f.due_at as "dueAt",
         f.escalated_to as role, a.assigned_eo_id as "assignedEoId"
  from fresh f join applications a on a.id = f.application_id`;

export interface Event {
  applicationId: string;
  ain: string;
  officeId: string;
  step: SlaStep;
  dueAt: Date;
  /** The role to tell: the L1 officer for a breach, the responsible one for a reminder. */
  role: 'bdo' | 'eo' | 'sdo' | 'dm';
  assignedEoId: string | null;
}

/**
 * A step left after its due time (the officer acted between two sweeps, or while no process ran) is recorded as
 * missed all the same, in the transaction that leaves it and before the status changes, so MIS and the record
 * never lose a breach. Nobody is alerted: the work is done.
 */
export async function recordLateStep(sql: Queryable, applicationId: string, now: Date): Promise<void> {
  await recordBreaches(sql, 'responsible', now, applicationId);
  await recordBreaches(sql, 'l1', now, applicationId);
}

/** Breaches of open applications (or of one) past the level's due time, recorded now unless already; the new ones. */
export async function recordBreaches(sql: Queryable, level: 'responsible' | 'l1', now: Date, applicationId?: string): Promise<Event[]> {
  const due = level === 'responsible' ? sql`a.step_due_at` : sql`a.l1_due_at`;
  const escalatedTo = level === 'responsible' ? sql`r.l1_role` : sql`'dm'`;
  return sql<Event[]>`
    with fresh as (
      insert into sla_breaches (application_id, office_id, step, level, due_at, detected_at, escalated_to)
      select a.id, a.office_id, r.step, ${level}, ${due}, ${now}, ${escalatedTo}
      from applications a join sla_rules r on r.step = ${stepOfApplicationSql(sql)}
      where a.status = any(${openStatuses}) and ${due} < ${now}
        ${applicationId ? sql`and a.id = ${applicationId}` : sql``}
      -- A breach already recorded is skipped by its unique key (application, step, level, due time), one index probe
      -- per row still past its time. This used to be a NOT EXISTS as well, for which the planner, misled by the
      -- statistics of a table that had just grown from nothing, chose a merge join comparing every recorded breach
      -- with every late application: 20 s per sweep at state scale (test/bench/state-scale.ts). A skipped row still
      -- takes an id from the sequence (bigint: gaps, never exhaustion).
      on conflict do nothing
      returning application_id, step, due_at, escalated_to)
    ${describeFresh(sql)}`;
}
