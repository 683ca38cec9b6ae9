// The SLA sweeper (DESIGN §5, seed §C): on an interval, in every process, it records each missed due time once,
// alerts the L1 officer, reminds the responsible officer on the morning of the due day, and flags an L1 breach to
// the DM and the administrator when L1's own due time passes. Each part is one set-based statement plus the
// outbox rows for its messages, in one transaction: the unique keys of sla_breaches and sla_reminders make a
// second sweeper (another process, the same instant) find nothing new, so nothing is recorded or sent twice.
import type { Lang } from '../../i18n/index.ts';
import { smsDate } from '../applications/notify.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { enqueueNotifications, type Notification } from '../notify/notify.ts';
import { steps, type Step } from '../notify/templates.ts';
import type { Status } from '../applications/workflow.ts';
import { stepOf, type SlaStep } from './rules.ts';

type SweepDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>;

// The step of an open application, in SQL (the same mapping as stepOf in rules.ts).
const stepOfApplication = (sql: Queryable) => sql`case a.status when 'submitted' then 'scrutiny' when 'under_enquiry' then 'enquiry' else 'approval' end`;

// What the messages need about each new row, shared by the three parts; `fresh` is the insert's RETURNING.
const describeFresh = (sql: Queryable) => sql`
  select f.application_id::text as "applicationId", a.ain, a.office_id as "officeId", o.subdivision_id as "subdivisionId",
         o.district_id as "districtId", o.name_en as "officeEn", o.name_bn as "officeBn", f.step, f.due_at as "dueAt",
         f.escalated_to as role, a.assigned_eo_id as "assignedEoId"
  from fresh f join applications a on a.id = f.application_id join offices o on o.id = a.office_id`;

const stepWords: Record<SlaStep, Step> = { scrutiny: 'scrutiny', enquiry: 'enquiry', approval: 'decision' };

interface Event {
  applicationId: string;
  ain: string;
  officeId: string;
  subdivisionId: string | null;
  districtId: string;
  officeEn: string;
  officeBn: string;
  step: SlaStep;
  dueAt: Date;
  /** The role to tell: the L1 officer for a breach, the responsible one for a reminder. */
  role: 'bdo' | 'eo' | 'sdo' | 'dm';
  assignedEoId: string | null;
}

export interface SweepResult {
  breaches: number;
  l1Breaches: number;
  reminders: number;
}

export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const result = { breaches: 0, l1Breaches: 0, reminders: 0 };

  result.breaches = await deps.sql.begin(async (sql) => {
    const fresh = await sql<Event[]>`
      with fresh as (
        insert into sla_breaches (application_id, office_id, step, level, due_at, detected_at, escalated_to)
        select a.id, a.office_id, r.step, 'responsible', a.step_due_at, ${now}, r.l1_role
        from applications a join sla_rules r on r.step = ${stepOfApplication(sql)}
        where a.status in ('submitted', 'under_enquiry', 'enquiry_reported') and a.step_due_at < ${now}
          and not exists (select 1 from sla_breaches b where b.application_id = a.id and b.level = 'responsible' and b.step = r.step and b.due_at = a.step_due_at)
        on conflict do nothing
        returning application_id, step, due_at, escalated_to)
      ${describeFresh(sql)}`;
    await notify(sql, deps, now, 'escalation', fresh, (e) => [e.role]);
    return fresh.length;
  });

  result.l1Breaches = await deps.sql.begin(async (sql) => {
    const fresh = await sql<Event[]>`
      with fresh as (
        insert into sla_breaches (application_id, office_id, step, level, due_at, detected_at, escalated_to)
        select a.id, a.office_id, r.step, 'l1', a.l1_due_at, ${now}, 'dm'
        from applications a join sla_rules r on r.step = ${stepOfApplication(sql)}
        where a.status in ('submitted', 'under_enquiry', 'enquiry_reported') and a.l1_due_at < ${now}
          and not exists (select 1 from sla_breaches b where b.application_id = a.id and b.level = 'l1' and b.step = r.step and b.due_at = a.l1_due_at)
        on conflict do nothing
        returning application_id, step, due_at, escalated_to)
      ${describeFresh(sql)}`;
    // L1 missed its own time: the DM and the administrator hear of it (seed §C has no L2 yet; this is where it goes).
    await notify(sql, deps, now, 'escalation', fresh, () => ['dm', 'admin']);
    return fresh.length;
  });

  result.reminders = await deps.sql.begin(async (sql) => {
    // Due times fall at the end of a Kolkata day, so "the morning of the due day" is a fixed time before them.
    const before = `${24 - deps.config.sla.reminderHour} hours`;
    const fresh = await sql<Event[]>`
      with fresh as (
        insert into sla_reminders (application_id, step, due_at, sent_at)
        select a.id, ${stepOfApplication(sql)}, a.step_due_at, ${now}
        from applications a
        where a.status in ('submitted', 'under_enquiry', 'enquiry_reported')
          and a.step_due_at > ${now} and a.step_due_at <= ${now}::timestamptz + ${before}::interval - interval '1 millisecond'
        on conflict do nothing
        returning application_id, step, due_at, (select responsible_role from sla_rules r where r.step = sla_reminders.step) as escalated_to)
      ${describeFresh(sql)}`;
    await notify(sql, deps, now, 'reminder', fresh, (e) => [e.role]);
    return fresh.length;
  });

  if (result.breaches || result.l1Breaches || result.reminders) deps.log.info('sla_swept', { ...result });
  return result;
}

/**
 * A step left after its due time (the officer acted between two sweeps, or while no process ran) is recorded as
 * missed all the same, in the transaction that leaves it, so MIS and the record never lose a breach. Nobody is
 * alerted: the work is done.
 */
export async function recordLateStep(sql: Queryable, app: { id: string; officeId: string; status: Status; stepDueAt: Date | null; l1DueAt: Date | null }, now: Date): Promise<void> {
  const step = stepOf(app.status);
  if (!step) return;
  const missed: { level: 'responsible' | 'l1'; dueAt: Date }[] = [];
  if (app.stepDueAt && now > app.stepDueAt) missed.push({ level: 'responsible', dueAt: app.stepDueAt });
  if (app.l1DueAt && now > app.l1DueAt) missed.push({ level: 'l1', dueAt: app.l1DueAt });
  for (const m of missed) {
    await sql`
      insert into sla_breaches (application_id, office_id, step, level, due_at, detected_at, escalated_to)
      select ${app.id}, ${app.officeId}, r.step, ${m.level}, ${m.dueAt}, ${now}, case when ${m.level} = 'l1' then 'dm' else r.l1_role end
      from sla_rules r where r.step = ${step}
      on conflict do nothing`;
  }
}

/** Officers by role and office, read once per sweep: a district has a few dozen. */
async function officers(sql: Queryable): Promise<{ id: string; role: string; officeId: string | null }[]> {
  return sql<{ id: string; role: string; officeId: string | null }[]>`select id, role, office_id from users where role in ('eo', 'bdo', 'sdo', 'dm', 'admin')`;
}

async function notify(sql: Queryable, deps: SweepDeps, now: Date, event: 'escalation' | 'reminder', fresh: Event[], roles: (e: Event) => string[]) {
  if (fresh.length === 0) return;
  const staff = await officers(sql);
  const holders = (e: Event, role: string): string[] => {
    if (role === 'eo') return e.assignedEoId ? [e.assignedEoId] : [];
    if (role === 'admin') return staff.filter((u) => u.role === 'admin').map((u) => u.id);
    const office = role === 'bdo' ? e.officeId : role === 'sdo' ? e.subdivisionId : e.districtId;
    return staff.filter((u) => u.role === role && u.officeId === office).map((u) => u.id);
  };
  const list: Notification[] = fresh.map((e) => ({
    event,
    userIds: roles(e).flatMap((role) => holders(e, role)),
    applicationId: e.applicationId,
    link: `${deps.config.origin}/applications/${e.ain}`,
    values: (lang: Lang) => ({ ain: e.ain, office: lang === 'bn' ? e.officeBn : e.officeEn, step: steps[stepWords[e.step]][lang], due: smsDate(e.dueAt) })
  }));
  await enqueueNotifications(sql, now, list);
}

/** Sweeps every `intervalMs` until stopped; one sweep at a time in this process. */
export function startSweeper(deps: SweepDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= sweep(deps)
      .catch((err: unknown) => deps.log.error('sweep_failed', { error: String(err) }))
      .finally(() => (running = null));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    }
  };
}

