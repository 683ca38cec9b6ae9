// The SLA sweeper (DESIGN §5, seed §C): on an interval, in every process, it records each missed due time once,
// alerts the L1 officer, reminds the responsible officer on the morning of the due day, and flags an L1 breach to
// the DM and the administrator when L1's own due time passes. Each part is one set-based statement plus the
// outbox rows for its messages, in one transaction: the unique keys of sla_breaches and sla_reminders make a
// second sweeper (another process, the same instant) find nothing new, so nothing is recorded or sent twice.
import { sweepAppeals } from '../appeals/appeals.ts';
import type { Lang } from '../../i18n/index.ts';
import { smsDate } from '../time.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { enqueueNotifications, type Notification } from '../notify/notify.ts';
import { steps, type Step } from '../notify/templates.ts';
import { describeFresh, recordBreaches, type Event } from './breaches.ts';
import { openStatuses } from '../../shared/workflow.ts';
import { stepOfApplicationSql, type SlaStep } from './rules.ts';
import type { Metrics } from '../metrics/metrics.ts';

type SweepDeps = Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>;


const stepWords: Record<SlaStep, Step> = { scrutiny: 'scrutiny', enquiry: 'enquiry', approval: 'decision' };

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
        where a.status = any(${openStatuses})
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
 * Officers by role and office, read once per sweep part and indexed: a backlog of tens of thousands of events looked
 * up among the state's few hundred officers by scanning the list spent seconds comparing office ids (2.7 s of a
 * 13.8 s first sweep at state scale, test/bench/state-scale.ts).
 */
async function officers(sql: Queryable): Promise<{ admins: string[]; holding: (role: string, officeId: string | null) => string[] }> {
  const staff = await sql<{ id: string; role: string; officeId: string | null }[]>`select id, role, office_id from users where role in ('eo', 'bdo', 'sdo', 'dm', 'admin')`;
  const byRole = new Map<string, Map<string | null, string[]>>();
  for (const u of staff) {
    const byOffice = byRole.get(u.role) ?? byRole.set(u.role, new Map()).get(u.role)!;
    const ids = byOffice.get(u.officeId) ?? byOffice.set(u.officeId, []).get(u.officeId)!;
    ids.push(u.id);
  }
  return {
    admins: staff.filter((u) => u.role === 'admin').map((u) => u.id),
    holding: (role, officeId) => byRole.get(role)?.get(officeId) ?? []
  };
}

async function notify(sql: Queryable, deps: SweepDeps, now: Date, event: 'escalation' | 'reminder', fresh: Event[], roles: (e: Event) => string[]) {
  if (fresh.length === 0) return;
  const { admins, holding } = await officers(sql);
  const holders = (e: Event, role: string): string[] => {
    if (role === 'eo') return e.assignedEoId ? [e.assignedEoId] : [];
    if (role === 'admin') return admins;
    const office = role === 'bdo' ? e.officeId : role === 'sdo' ? e.subdivisionId : e.districtId;
    const found = holding(role, office);
    // A municipal area has no BDO: its SDO does the BDO's steps (issue 13, area_processing).
    if (role === 'bdo' && found.length === 0) return holding('sdo', e.subdivisionId);
    return found;
  };
  // A backlog has a few distinct due times among tens of thousands of events: each is written out once.
  const dates = new Map<number, string>();
  const dateOf = (at: Date) => dates.get(at.getTime()) ?? dates.set(at.getTime(), smsDate(at)).get(at.getTime())!;
  const list: Notification[] = fresh.map((e) => {
    const due = dateOf(e.dueAt);
    return {
      event,
      userIds: roles(e).flatMap((role) => holders(e, role)),
      applicationId: e.applicationId,
      link: `${deps.config.origin}/applications/${e.ain}`,
      values: (lang: Lang) => ({ ain: e.ain, office: lang === 'bn' ? e.officeBn : e.officeEn, step: steps[stepWords[e.step]][lang], due })
    };
  });
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

