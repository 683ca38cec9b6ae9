// The SLA sweeper (DESIGN §5, seed §C): on an interval, in every process, it records each missed due time once,
// alerts the L1 officer, reminds the responsible officer on the morning of the due day, and flags an L1 breach to
// the DM and the administrator when L1's own due time passes. Each part is one set-based statement plus the
// outbox rows for its messages, in one transaction: the unique keys of sla_breaches and sla_reminders make a
// second sweeper (another process, the same instant) find nothing new, so nothing is recorded or sent twice. An
// officer with many new events in one sweep gets one message saying how many (SLA_DIGEST_AFTER, notify below).
import { sweepAppeals } from '../appeals/appeals.ts';
import type { Lang } from '../../i18n/index.ts';
import { smsDate } from '../time.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { enqueueNotifications, type Notification } from '../notify/notify.ts';
import { officeName, officesWord, steps, type NotificationEvent, type SlotValues, type Step } from '../notify/templates.ts';
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

/** Some parts of a sweep failed; `done` counts what the others recorded (and committed). */
export class SweepFailed extends AggregateError {
  override name = 'SweepFailed';
  constructor(
    readonly done: SweepResult,
    errors: unknown[]
  ) {
    super(errors, `${errors.length} part(s) of the SLA sweep failed: ${errors.map(String).join('; ')}`);
  }
}

export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();

  // The three parts touch different rows (a level of sla_breaches each, and sla_reminders) and share no lock, so they
  // run at once, each in its own transaction on its own connection (the embedded database has one, and takes them in
  // turn): over a backlog, PostgreSQL writes one part's rows while this process makes another's messages. Each is
  // waited for even when another fails, so a stopping process never closes the database under a part still writing.
  const settled = await Promise.allSettled([
    // The step's own time missed: the L1 officer of the matrix hears of it.
    deps.sql.begin(async (sql) => {
      const fresh = await recordBreaches(sql, 'responsible', now);
      await notify(sql, deps, now, fresh, parts.responsible);
      return fresh.length;
    }),
    // L1 missed its own time: the DM and the administrator hear of it (seed §C has no L2 yet; this is where it goes).
    deps.sql.begin(async (sql) => {
      const fresh = await recordBreaches(sql, 'l1', now);
      await notify(sql, deps, now, fresh, parts.l1);
      return fresh.length;
    }),
    deps.sql.begin(async (sql) => {
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
      await notify(sql, deps, now, fresh, parts.reminder);
      return fresh.length;
    })
  ]);
  const [breaches, l1Breaches, reminders] = settled.map((p) => (p.status === 'fulfilled' ? p.value : 0));
  const result: SweepResult = { breaches: breaches ?? 0, l1Breaches: l1Breaches ?? 0, reminders: reminders ?? 0 };
  const errors = settled.flatMap((p) => (p.status === 'rejected' ? [p.reason as unknown] : []));

  // Appeals under the RTPS Act have their own time limit and escalation (issue 13); a part above that failed does
  // not hold them up.
  const appeals = await sweepAppeals(deps, now).catch((err: unknown) => {
    errors.push(err);
    return 0;
  });
  if (result.breaches || result.l1Breaches || result.reminders || appeals) deps.log.info('sla_swept', { ...result, appeals });
  if (errors.length) throw new SweepFailed(result, errors);
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

type Role = Event['role'] | 'admin';

/**
 * What each part of a sweep tells, and whom: the event of one application's message, the event of a digest, and the
 * page a digest leads to, where each of its applications is listed (the administrator, who has no Escalations page,
 * lands on the dashboard instead: api/authz.ts).
 */
interface Part {
  rolesOf: (e: Event) => readonly Role[];
  event: Extract<NotificationEvent, 'escalation' | 'reminder'>;
  digest: Extract<NotificationEvent, 'escalation_digest' | 'l1_escalation_digest' | 'reminder_digest'>;
  page: '/monitoring' | '/applications';
}
const ownRole = (e: Event): readonly Role[] => [e.role];
const parts = {
  // The step's own time missed: its L1 officer.
  responsible: { rolesOf: ownRole, event: 'escalation', digest: 'escalation_digest', page: '/monitoring' },
  // L1's time missed too: the DM and the administrator.
  l1: { rolesOf: () => ['dm', 'admin'], event: 'escalation', digest: 'l1_escalation_digest', page: '/monitoring' },
  // The morning of the due day: the officer whose step it is.
  reminder: { rolesOf: ownRole, event: 'reminder', digest: 'reminder_digest', page: '/applications' }
} as const satisfies Record<string, Part>;

interface Office {
  id: string;
  subdivisionId: string | null;
  districtId: string;
  nameEn: string;
  nameBn: string;
}

async function notify(sql: Queryable, deps: SweepDeps, now: Date, fresh: Event[], part: Part) {
  if (fresh.length === 0) return;
  const officeIds = [...new Set(fresh.map((e) => e.officeId))];
  const [{ admins, holding }, offices] = await Promise.all([
    officers(sql),
    sql<Office[]>`select id, subdivision_id, district_id, name_en, name_bn from offices where id = any(${officeIds})`
  ]);
  const officeOf = new Map(offices.map((o) => [o.id, o]));
  const holders = (e: Event, office: Office, role: Role): string[] => {
    if (role === 'eo') return e.assignedEoId ? [e.assignedEoId] : [];
    if (role === 'admin') return admins;
    const found = holding(role, role === 'bdo' ? office.id : role === 'sdo' ? office.subdivisionId : office.districtId);
    // A municipal area has no BDO: its SDO does the BDO's steps (issue 13, area_processing).
    if (role === 'bdo' && found.length === 0) return holding('sdo', office.subdivisionId);
    return found;
  };
  // A backlog's tens of thousands of events fall in a few hundred offices, three steps and a few due times: who hears
  // of an event, and the words of its message besides its AIN, are worked out once for each of those, and the events
  // that share them share the same objects (enqueueNotifications looks a list of account ids up once).
  const recipients = new Map<string, string[]>();
  const words = new Map<string, Record<Lang, SlotValues>>();
  const heard = fresh.map((e) => {
    const office = officeOf.get(e.officeId)!;
    const roles = part.rolesOf(e);
    const who = `${roles.join()} ${e.officeId} ${e.assignedEoId ?? ''}`;
    let userIds = recipients.get(who);
    if (!userIds) recipients.set(who, (userIds = roles.flatMap((role) => holders(e, office, role))));
    const what = `${e.officeId} ${e.step} ${e.dueAt.getTime()}`;
    let said = words.get(what);
    if (!said) {
      const due = smsDate(e.dueAt);
      const step = steps[stepWords[e.step]];
      const say = (lang: Lang): SlotValues => ({ office: officeName(office, lang), step: step[lang], due });
      words.set(what, (said = { en: say('en'), bn: say('bn'), hi: say('hi') }));
    }
    return { e, userIds, slots: said };
  });

  // An officer with more new events of this part than SLA_DIGEST_AFTER hears of them in one message (how many, of which office or
  // how many offices, the first due date) that leads to the escalations page or the queue, where every one is listed;
  // the others hear of each. Every breach and reminder is recorded all the same.
  const digests = digestsOf(heard, deps.config.sla.digestAfter);
  // Keyed by the recipients' array, which the events of one office, step and officer share (`recipients` above): each
  // list is filtered once.
  const individually = new Map<readonly string[], string[]>();
  const list: Notification[] = [];
  for (const { e, userIds, slots } of heard) {
    let told = individually.get(userIds);
    if (!told) individually.set(userIds, (told = userIds.filter((id) => !digests.has(id))));
    if (told.length === 0) continue;
    list.push({
      event: part.event,
      userIds: told,
      applicationId: e.applicationId,
      link: `${deps.config.origin}/applications/${e.ain}`,
      values: (lang: Lang) => ({ ain: e.ain, ...slots[lang] })
    });
  }
  for (const [userId, d] of digests) {
    const office = d.offices.size === 1 ? officeOf.get(d.offices.values().next().value!)! : null;
    list.push({
      event: part.digest,
      userIds: [userId],
      link: `${deps.config.origin}${admins.includes(userId) ? '/dashboard' : part.page}`,
      values: (lang: Lang) => ({
        count: String(d.count),
        office: office ? officeName(office, lang) : officesWord[lang](d.offices.size),
        due: smsDate(d.firstDue)
      })
    });
  }
  await enqueueNotifications(sql, now, list);
}

interface Digest {
  count: number;
  offices: Set<string>;
  firstDue: Date;
}

/** The officers who would hear of more than `after` of these events, and what one message to each must say. */
function digestsOf(heard: readonly { e: Event; userIds: readonly string[] }[], after: number): Map<string, Digest> {
  const all = new Map<string, Digest>();
  for (const { e, userIds } of heard) {
    for (const id of userIds) {
      const d = all.get(id);
      if (!d) all.set(id, { count: 1, offices: new Set([e.officeId]), firstDue: e.dueAt });
      else {
        d.count++;
        d.offices.add(e.officeId);
        if (e.dueAt < d.firstDue) d.firstDue = e.dueAt;
      }
    }
  }
  for (const [id, d] of all) if (d.count <= after) all.delete(id);
  return all;
}

/** Sweeps every `intervalMs` until stopped; one sweep at a time in this process. */
export function startSweeper(deps: SweepDeps, intervalMs: number, metrics?: Pick<Metrics, 'workerRuns' | 'slaBreaches'>): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const recorded = (result: SweepResult) => {
    metrics?.slaBreaches.inc({ level: 'responsible' }, result.breaches);
    metrics?.slaBreaches.inc({ level: 'l1' }, result.l1Breaches);
  };
  const timer = setInterval(() => {
    running ??= sweep(deps)
      .then((result) => {
        metrics?.workerRuns.inc({ worker: 'sweeper', outcome: 'ok' });
        recorded(result);
      })
      .catch((err: unknown) => {
        metrics?.workerRuns.inc({ worker: 'sweeper', outcome: 'failed' });
        // What the parts that did not fail committed is counted: the next sweep will not find it again.
        if (err instanceof SweepFailed) recorded(err.done);
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

