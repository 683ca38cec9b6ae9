// Appeals under the West Bengal Right to Public Services Act, 2013 (West Bengal Act XVII of 2013, notified 1492-L of
// 27 Sep 2013; issue 13 item 6; DESIGN §13). The Designated Officer (the BDO, or the SDO for a municipal area)
// delivers within the stipulated time; a citizen refused, or not served in time, appeals to the Appellate Officer;
// a second appeal goes to the Reviewing Officer, who may impose a penalty of ₹250–1,000 on a Designated Officer who
// failed without reasonable cause. Who hears each level and the time limits are the appeal_rules table (defaults:
// 30 days to file, 30 to decide), to be replaced from the state's notification.
//
// An allowed appeal directs the Designated Officer to issue within N days: a rejected application returns to the
// officer's desk (to the decision if it had a field report, else to scrutiny) with its due time N days away; a late
// one keeps its place with the same new due time. Every step is one transaction with its audit event and messages.
import { z } from '@hono/zod-openapi';
import { appendEvent } from '../applications/audit.ts';
import { processingOf } from '../applications/authority.ts';
import { smsDate } from '../time.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { enqueueNotification } from '../notify/notify.ts';
import { officeName } from '../notify/templates.ts';
import { getOffice } from '../offices/offices.ts';
import type { User } from '../users/user.ts';
import { isOpen, type Status } from '../../shared/workflow.ts';

/** An appeal as the API answers it (the routes here, and the application's detail in applications/queries.ts). */
export const appealSchema = z
  .object({
    id: z.string(),
    ain: z.string(),
    level: z.union([z.literal(1), z.literal(2)]),
    firstAppealId: z.string().nullable(),
    ground: z.enum(['rejected', 'delayed', 'first_appeal']),
    grounds: z.string(),
    filedAt: z.string(),
    appellateRole: z.string(),
    appellateOfficeId: z.string(),
    decideBy: z.string(),
    status: z.enum(['pending', 'allowed', 'dismissed']),
    orderReasons: z.string().nullable(),
    directionDays: z.number().nullable(),
    decidedAt: z.string().nullable(),
    penaltyRupees: z.number().nullable(),
    penaltyReasons: z.string().nullable(),
    escalatedAt: z.string().nullable()
  })
  .openapi('Appeal');

export const appealOut = (p: Appeal) => ({
  ...p,
  filedAt: p.filedAt.toISOString(),
  decideBy: p.decideBy.toISOString(),
  decidedAt: p.decidedAt?.toISOString() ?? null,
  escalatedAt: p.escalatedAt?.toISOString() ?? null
});

const DAY = 86_400_000;

export interface Appeal {
  id: string;
  ain: string;
  level: 1 | 2;
  firstAppealId: string | null;
  ground: 'rejected' | 'delayed' | 'first_appeal';
  grounds: string;
  filedAt: Date;
  appellateRole: string;
  appellateOfficeId: string;
  decideBy: Date;
  status: 'pending' | 'allowed' | 'dismissed';
  orderReasons: string | null;
  directionDays: number | null;
  decidedAt: Date | null;
  penaltyRupees: number | null;
  penaltyReasons: string | null;
  escalatedAt: Date | null;
}

interface Rule {
  appellateRole: 'sdo' | 'dm' | 'divisional_commissioner';
  filingDays: number;
  decidingDays: number;
}

async function ruleFor(sql: Queryable, level: 1 | 2, designatedRole: string): Promise<Rule> {
  const [rule] = await sql<Rule[]>`
    select appellate_role, filing_days, deciding_days from appeal_rules where level = ${level} and designated_role = ${designatedRole}`;
  if (!rule) throw new Error(`no appeal rule for level ${level}, designated role ${designatedRole}`);
  return rule;
}

const columns = (sql: Queryable) => sql`
  p.id::text, a.ain, p.level, p.first_appeal_id::text, p.ground, p.grounds, p.filed_at, p.appellate_role, p.appellate_office_id,
  p.decide_by, p.status, p.order_reasons, p.direction_days, p.decided_at, p.penalty_rupees, p.penalty_reasons, p.escalated_at`;

export async function appealsOf(sql: Queryable, applicationId: string): Promise<Appeal[]> {
  return sql<Appeal[]>`select ${columns(sql)} from appeals p join applications a on a.id = p.application_id where p.application_id = ${applicationId} order by p.level, p.id`;
}

/** The office that hears an appeal at this role: the subdivision or the district of the application's office. */
async function appellateOffice(sql: Queryable, role: string, officeId: string): Promise<string> {
  const office = await getOffice(sql, officeId);
  if (!office) throw new Error(`no office ${officeId}`);
  if (role === 'sdo' && office.subdivisionId) return office.subdivisionId;
  if (role === 'dm') return office.districtId;
  // A Reviewing Officer above the district (the Divisional Commissioner) has no office here yet: the DM's stands in.
  return office.districtId;
}

async function notifyAppellate(sql: Queryable, deps: Pick<Deps, 'config'>, at: Date, p: { applicationId: string; ain: string; role: string; officeId: string; decideBy: Date }) {
  const role = p.role === 'divisional_commissioner' ? 'dm' : p.role;
  const officers = await sql<{ id: string }[]>`select id from users where role = ${role} and office_id = ${p.officeId} and deactivated_at is null`;
  await enqueueNotification(sql, at, {
    event: 'appeal_to_decide',
    userIds: officers.map((o) => o.id),
    applicationId: p.applicationId,
    link: `${deps.config.origin}/applications/${p.ain}`,
    values: { ain: p.ain, due: smsDate(p.decideBy) }
  });
}

/**
 * A first appeal (against a rejection, or a decision not made within the stipulated time) or a second appeal (after
 * the first was decided, or was not decided in its time). Filed by the applicant or the counter that filed the
 * application, with grounds and optionally documents uploaded as kind 'appeal'.
 */
export async function fileAppeal(deps: Pick<Deps, 'sql' | 'config' | 'log'>, actor: User, ain: string, input: { level: 1 | 2; grounds: string; documentIds: string[] }, at: Date): Promise<Appeal> {
  return deps.sql.begin(async (sql) => {
    const [app] = await sql<{ id: string; status: Status; applicantId: string; filedBy: string; officeId: string; dueAt: Date; decidedAt: Date | null }[]>`
      select id::text, status, applicant_id, filed_by, office_id, due_at, decided_at from applications where ain = ${ain} for no key update`;
    if (!app) throw new ApiError(404, 'not_found');
    if (app.applicantId !== actor.id && app.filedBy !== actor.id) throw new ApiError(403, 'forbidden');
    const processing = await processingOf(sql, app.officeId);
    const previous = await appealsOf(sql, app.id);
    const first = previous.find((p) => p.level === 1);
    if (previous.some((p) => p.level === input.level)) throw new ApiError(409, 'appeal_exists');

    let ground: Appeal['ground'];
    let from: Date;
    if (input.level === 1) {
      const rule = await ruleFor(sql, 1, processing.role);
      if (app.status === 'rejected') {
        ground = 'rejected';
        from = app.decidedAt ?? at;
      } else if (isOpen(app.status) && app.dueAt < at) {
        // Not served within the stipulated time (the due date the citizen was given, working days: holidays excluded).
        ground = 'delayed';
        from = app.dueAt;
      } else throw new ApiError(409, 'appeal_not_open');
      if (at.getTime() > from.getTime() + rule.filingDays * DAY) throw new ApiError(409, 'appeal_out_of_time');
    } else {
      if (!first) throw new ApiError(409, 'appeal_not_open');
      const firstRule = await ruleFor(sql, 1, processing.role);
      // The first appeal must be decided, or have passed its own time without an order.
      if (first.status === 'pending' && first.decideBy > at) throw new ApiError(409, 'first_appeal_pending');
      if (first.status === 'allowed' && app.status !== 'rejected' && app.dueAt >= at) throw new ApiError(409, 'appeal_not_open');
      ground = 'first_appeal';
      from = first.decidedAt ?? first.decideBy;
      if (at.getTime() > from.getTime() + firstRule.filingDays * DAY) throw new ApiError(409, 'appeal_out_of_time');
    }
    const rule = await ruleFor(sql, input.level, processing.role);
    const officeId = await appellateOffice(sql, rule.appellateRole, app.officeId);
    const decideBy = new Date(at.getTime() + rule.decidingDays * DAY);
    // The Designated Officer whose decision (or silence) is appealed: the one who rejected, else the office's officer.
    const [designated] = await sql<{ actorId: string | null }[]>`
      select actor_id from application_events where application_id = ${app.id} and action = 'reject' order by seq desc limit 1`;
    const [row] = await sql<{ id: string }[]>`
      insert into appeals (application_id, level, first_appeal_id, ground, grounds, filed_by, filed_at, designated_role, designated_user_id,
                           appellate_role, appellate_office_id, decide_by)
      values (${app.id}, ${input.level}, ${input.level === 2 ? first!.id : null}, ${ground}, ${input.grounds}, ${actor.id}, ${at}, ${processing.role},
              ${designated?.actorId ?? null}, ${rule.appellateRole}, ${officeId}, ${decideBy})
      returning id::text`;
    if (input.documentIds.length) {
      const attached = await sql`
        update documents set appeal_id = ${row!.id}, application_id = ${app.id}
        where id in ${sql(input.documentIds)} and uploaded_by = ${actor.id} and kind = 'appeal' and application_id is null`;
      if (attached.count !== input.documentIds.length) throw new ApiError(400, 'validation', { fields: { documentIds: 'field.appeal_documents' } });
    }
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: actor.id,
      actorRole: actor.role,
      action: input.level === 1 ? 'appeal_filed' : 'second_appeal_filed',
      fromStatus: app.status,
      toStatus: app.status,
      remarks: `${ground}: ${input.grounds}`,
      channel: null,
      at
    });
    const office = (await getOffice(sql, officeId))!;
    await enqueueNotification(sql, at, {
      event: 'appeal_filed',
      userIds: [app.applicantId],
      applicationId: app.id,
      link: `${deps.config.origin}/track/${ain}`,
      values: (lang) => ({ ain, office: officeName(office, lang), due: smsDate(decideBy) })
    });
    await notifyAppellate(sql, deps, at, { applicationId: app.id, ain, role: rule.appellateRole, officeId, decideBy });
    deps.log.info('appeal_filed', { level: input.level, by: actor.id });
    return (await appealById(sql, row!.id))!;
  });
}

/**
 * `lock`: FOR NO KEY UPDATE, like the locks on applications (api/applications/access.ts): it puts two
 * decisions on one appeal in turn, but no longer blocks the foreign-key check of a row that refers to it.
 */
async function appealById(sql: Queryable, id: string, lock = false): Promise<(Appeal & { applicationId: string }) | null> {
  const [row] = await sql<(Appeal & { applicationId: string })[]>`
    select ${columns(sql)}, p.application_id::text from appeals p join applications a on a.id = p.application_id where p.id = ${id}
    ${lock ? sql`for no key update of p` : sql``}`;
  return row ?? null;
}

export interface Order {
  outcome: 'allow' | 'dismiss';
  reasons: string;
  directionDays?: number;
  penaltyRupees?: number;
  penaltyReasons?: string;
}

/** The Appellate (or Reviewing) Officer's order, with reasons; a penalty only on a second appeal. */
export async function decideAppeal(deps: Pick<Deps, 'sql' | 'config' | 'log'>, officer: User, id: string, order: Order, at: Date): Promise<Appeal> {
  if (order.outcome === 'allow' && !order.directionDays) throw new ApiError(400, 'validation', { fields: { directionDays: 'field.direction_days' } });
  if (order.penaltyRupees !== undefined && !order.penaltyReasons) throw new ApiError(400, 'validation', { fields: { penaltyReasons: 'field.penalty_reasons' } });
  return deps.sql.begin(async (sql) => {
    const appeal = await appealById(sql, id, true);
    if (!appeal) throw new ApiError(404, 'not_found');
    const role = appeal.appellateRole === 'divisional_commissioner' ? 'dm' : appeal.appellateRole;
    if (officer.role !== role || officer.officeId !== appeal.appellateOfficeId) throw new ApiError(403, 'forbidden');
    if (appeal.status !== 'pending') throw new ApiError(409, 'appeal_decided');
    if (order.penaltyRupees !== undefined && appeal.level !== 2) throw new ApiError(400, 'validation', { fields: { penaltyRupees: 'field.penalty_second_appeal' } });

    const [app] = await sql<{ id: string; ain: string; status: Status; applicantId: string; hasReport: boolean }[]>`
      select a.id::text, a.ain, a.status, a.applicant_id, exists (select 1 from enquiry_reports r where r.application_id = a.id) as has_report
      from applications a where a.id = ${appeal.applicationId} for no key update`;
    const status = order.outcome === 'allow' ? 'allowed' : 'dismissed';
    await sql`
      update appeals set status = ${status}, order_reasons = ${order.reasons}, direction_days = ${order.directionDays ?? null}, decided_by = ${officer.id},
             decided_at = ${at}, penalty_rupees = ${order.penaltyRupees ?? null}, penalty_reasons = ${order.penaltyReasons ?? null}
      where id = ${id}`;
    let toStatus = app!.status;
    if (order.outcome === 'allow') {
      // Directed to issue within N days: the application is back on the Designated Officer's desk with that due time.
      const due = new Date(at.getTime() + order.directionDays! * DAY);
      if (app!.status === 'rejected') toStatus = app!.hasReport ? 'enquiry_reported' : 'submitted';
      if (app!.status === 'rejected' || isOpen(app!.status)) {
        await sql`
          update applications set status = ${toStatus}, version = version + 1, updated_at = ${at}, due_at = ${due}, step_due_at = ${due},
                 l1_due_at = ${due}, decided_at = null, decision_code = null, decision_remarks = null
          where id = ${app!.id}`;
      }
    }
    await appendEvent(sql, {
      applicationId: app!.id,
      actorId: officer.id,
      actorRole: officer.role,
      action: order.outcome === 'allow' ? 'appeal_allowed' : 'appeal_dismissed',
      fromStatus: app!.status,
      toStatus,
      remarks: [
        order.reasons,
        order.directionDays ? `issue within ${order.directionDays} days` : null,
        order.penaltyRupees ? `penalty ₹${order.penaltyRupees} on the Designated Officer: ${order.penaltyReasons}` : null
      ].filter(Boolean).join('; '),
      channel: null,
      at,
      capacity: appeal.level === 1 ? 'Appellate Officer, RTPS Act 2013' : 'Reviewing Officer, RTPS Act 2013'
    });
    await enqueueNotification(sql, at, {
      event: 'appeal_decided',
      userIds: [app!.applicantId],
      applicationId: app!.id,
      link: `${deps.config.origin}/track/${app!.ain}`,
      values: (lang) => ({ ain: app!.ain, status: outcomeWords[status][lang], date: smsDate(at) })
    });
    deps.log.info('appeal_decided', { id, outcome: status, by: officer.id });
    return (await appealById(sql, id))!;
  });
}

const outcomeWords = {
  allowed: { en: 'allowed', bn: 'মঞ্জুর', hi: 'स्वीकृत' },
  dismissed: { en: 'dismissed', bn: 'খারিজ', hi: 'खारिज' }
} as const;

/** Appeals before this officer (pending first, soonest due first), or the citizen's and the counter's own. */
export async function listAppeals(sql: Sql, user: User): Promise<Appeal[]> {
  const scope =
    user.role === 'citizen' || user.role === 'operator'
      ? sql`(a.applicant_id = ${user.id} or a.filed_by = ${user.id})`
      : // The state officer (issue 15) reads every district's appeals; hearing them stays with the district.
        user.role === 'admin' || user.role === 'state'
        ? sql`true`
        : user.role === 'dm'
          ? sql`(p.appellate_office_id = ${user.officeId} or o.district_id = ${user.officeId})`
          : sql`p.appellate_office_id = ${user.officeId}`;
  return sql<Appeal[]>`
    select ${columns(sql)} from appeals p join applications a on a.id = p.application_id join offices o on o.id = a.office_id
    where ${scope}
    order by p.status <> 'pending', p.decide_by
    limit 200`;
}

/**
 * The appeals' own time limit: a pending appeal past its decide-by date is escalated once to the DM (and the
 * administrator), like a missed step. Called by the SLA sweeper.
 */
export async function sweepAppeals(deps: Pick<Deps, 'sql' | 'config'>, now: Date): Promise<number> {
  return deps.sql.begin(async (sql) => {
    const late = await sql<{ id: string; applicationId: string; ain: string; districtId: string; decideBy: Date }[]>`
      update appeals p set escalated_at = ${now}
      from applications a join offices o on o.id = a.office_id
      where a.id = p.application_id and p.status = 'pending' and p.decide_by < ${now} and p.escalated_at is null
      returning p.id::text, p.application_id::text, a.ain, o.district_id, p.decide_by`;
    for (const p of late) {
      const officers = await sql<{ id: string }[]>`
        select id from users where deactivated_at is null and ((role = 'dm' and office_id = ${p.districtId}) or role = 'admin')`;
      await enqueueNotification(sql, now, {
        event: 'appeal_to_decide',
        userIds: officers.map((o) => o.id),
        applicationId: p.applicationId,
        link: `${deps.config.origin}/applications/${p.ain}`,
        values: { ain: p.ain, due: smsDate(p.decideBy) }
      });
    }
    return late.length;
  });
}
