// The SLA sweeper (DESIGN §5, seed §C): on an interval, in every process, it records each missed due time once,
// alerts the L1 officer, reminds the responsible officer on the morning of the due day, and flags an L1 breach to
// the DM and the administrator when L1's own due time passes. Each part is one set-based statement plus the
// outbox rows for its messages, in one transaction: the unique keys of sla_breaches and sla_reminders make a
// second sweeper (another process, the same instant) find nothing new, so nothing is recorded or sent twice.
import { sweepAppeals } from '../appeals/appeals.ts';
import type { Lang } from '../../i18n/index.ts';
import { smsDate } from '../applications/notify.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { enqueueNotifications, type Notification } from '../notify/notify.ts';
import { steps, type Step } from '../notify/templates.ts';
import { stepOfApplicationSql, type SlaStep } from './rules.ts';
import type { Metrics } from '../metrics/metrics.ts';

type SweepDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>;


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

  // The step's own time missed: the L1 officer of the matrix hears of it.
  result.breaches = await deps.sql.begin(async (sql) => {
    const fresh = await recordBreaches(sql, 'responsible', now);
    await notify(sql, deps, now, 'escalation', fresh, (e) => [e.role]);
    return fresh.length;
  });
  // L1 missed its own time: the DM and the administrator hear of it (seed §C has no L2 yet; this is where it goes).
  result.l1Breaches = await deps.sql.begin(async (sql) => {
    const fresh = await recordBreaches(sql, 'l1', now);
    await notify(sql, deps, now, 'escalation', fresh, () => ['dm', 'admin']);
    return fresh.length;
  });

  result.reminders = await deps.sql.begin(async (sql) => {
    // Due times fall at the end of a Kolkata day, so "the morning of the due day" is a fixed time before them.
    const before = `${24 - deps.config.sla.reminderHour} hours`;
    const fresh = await sql<Event[]>`
      with fresh as (
        insert into sla_reminders (application_id, step, due_at, sent_at)
        select a.id, ${stepOfApplicationSql(sql)}, a.step_due_at, ${now}
        from applications a
        where a.status in ('submitted', 'under_enquiry', 'enquiry_reported')
          and a.step_due_at > ${now} and a.step_due_at <= ${now}::timestamptz + ${before}::interval - interval '1 millisecond'
        on conflict do nothing
        returning application_id, step, due_at, (select responsible_role from sla_rules r where r.step = sla_reminders.step) as escalated_to)
      ${describeFresh(sql)}`;
    await notify(sql, deps, now, 'reminder', fresh, (e) => [e.role]);
    return fresh.length;
  });

  // Appeals under the RTPS Act have their own time limit and escalation (issue 13).
  const appeals = await sweepAppeals(deps, now);
  if (result.breaches || result.l1Breaches || result.reminders || appeals) deps.log.info('sla_swept', { ...result, appeals });
  return result;
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
async function recordBreaches(sql: Queryable, level: 'responsible' | 'l1', now: Date, applicationId?: string): Promise<Event[]> {
  const due = level === 'responsible' ? sql`a.step_due_at` : sql`a.l1_due_at`;
  const escalatedTo = level === 'responsible' ? sql`r.l1_role` : sql`'dm'`;
  return sql<Event[]>`
    with fresh as (
      insert into sla_breaches (application_id, office_id, step, level, due_at, detected_at, escalated_to)
      select a.id, a.office_id, r.step, ${level}, ${due}, ${now}, ${escalatedTo}
      from applications a join sla_rules r on r.step = ${stepOfApplicationSql(sql)}
      where a.status in ('submitted', 'under_enquiry', 'enquiry_reported') and ${due} < ${now}
        ${applicationId ? sql`and a.id = ${applicationId}` : sql``}
        and not exists (select 1 from sla_breaches b where b.application_id = a.id and b.level = ${level} and b.step = r.step and b.due_at = ${due})
      on conflict do nothing
      returning application_id, step, due_at, escalated_to)
    ${describeFresh(sql)}`;
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
    const found = staff.filter((u) => u.role === role && u.officeId === office).map((u) => u.id);
    // A municipal area has no BDO: its SDO does the BDO's steps (issue 13, area_processing).
    if (role === 'bdo' && found.length === 0) return staff.filter((u) => u.role === 'sdo' && u.officeId === e.subdivisionId).map((u) => u.id);
    return found;
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
export function startSweeper(deps: SweepDeps, intervalMs: number, metrics?: Pick<Metrics, 'workerRuns' | 'slaBreaches'>): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= sweep(deps)
      .then((result) => {
        metrics?.workerRuns.inc({ worker: 'sweeper', outcome: 'ok' });
        metrics?.slaBreaches.inc({ level: 'responsible' }, result.breaches);
        metrics?.slaBreaches.inc({ level: 'l1' }, result.l1Breaches);
      })
      .catch((err: unknown) => {
        metrics?.workerRuns.inc({ worker: 'sweeper', outcome: 'failed' });
        deps.log.error('sweep_failed', { error: String(err) });
      })
      .finally(() => (running = null));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    }
  };
}

