// Escalations that can act (issue 13 item 3; DESIGN §13). The DM, L1 of a late scrutiny or decision (seed §C), takes
// the application over: he decides it himself — approve with his own signature, reject, send back — or hands it to an
// acting officer of the district who then holds the BDO's powers on it. Either way the application gets a handler
// (api/applications/authority.ts) until it is decided or sent back, the breach says who took it over and when, and
// the audit trail records a "take_over" event in the capacity "taken over on escalation".
import { appendEvent } from '../applications/audit.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { enqueueNotification } from '../notify/notify.ts';
import { steps } from '../notify/templates.ts';
import { smsDate } from '../time.ts';
import { blocksCovered } from '../offices/offices.ts';
import type { User } from '../users/user.ts';
import { stepOfApplicationSql } from './rules.ts';

export const TAKEN_OVER = 'taken over on escalation';

/** Officers the DM may hand an application to: active BDOs and SDOs of the district. */
export async function handOverCandidates(sql: Queryable, dm: User): Promise<{ id: string; name: string; role: string; officeName: string }[]> {
  if (dm.role !== 'dm' || !dm.officeId) return [];
  return sql<{ id: string; name: string; role: string; officeName: string }[]>`
    select u.id, u.name, u.role, o.name_en as office_name from users u join offices o on o.id = u.office_id
    where o.district_id = ${dm.officeId} and u.role in ('bdo', 'sdo') and u.deactivated_at is null
    order by u.role, o.name_en, u.name`;
}

export async function takeOver(deps: Pick<Deps, 'sql' | 'config' | 'log'>, dm: User, breachId: string, input: { handTo?: string; remarks: string }, at: Date) {
  return deps.sql.begin(async (sql) => {
    const [b] = await sql<{ applicationId: string; officeId: string; step: string; live: boolean; takenOverAt: Date | null }[]>`
      select b.application_id::text, b.office_id, b.step, b.taken_over_at,
             (${stepOfApplicationSql(sql)} = b.step
               and b.due_at = case b.level when 'responsible' then a.step_due_at else a.l1_due_at end) as live
      from sla_breaches b join applications a on a.id = b.application_id
      where b.id = ${breachId}
      for no key update of b, a`;
    if (!b) throw new ApiError(404, 'not_found');
    const blocks = await blocksCovered(sql, dm);
    if (dm.role !== 'dm' || !blocks.some((o) => o.id === b.officeId)) throw new ApiError(403, 'forbidden');
    // The DM is L1 of the scrutiny and the decision; a late enquiry is the BDO's to reassign (it already can).
    if (b.step === 'enquiry') throw new ApiError(409, 'not_takeable');
    if (!b.live) throw new ApiError(409, 'breach_settled');
    if (b.takenOverAt) throw new ApiError(409, 'already_taken_over');

    let handler = dm.id;
    let handlerName = dm.name;
    if (input.handTo && input.handTo !== dm.id) {
      const candidate = (await handOverCandidates(sql, dm)).find((c) => c.id === input.handTo);
      if (!candidate) throw new ApiError(400, 'validation', { fields: { handTo: 'field.acting_officer' } });
      handler = candidate.id;
      handlerName = candidate.name;
    }
    const [app] = await sql<{ ain: string; status: string; version: number; stepDueAt: Date | null; dueAt: Date }[]>`
      update applications set handler_id = ${handler}, version = version + 1, updated_at = ${at}
      where id = ${b.applicationId}
      returning ain, status, version, step_due_at, due_at`;
    await sql`
      update sla_breaches set taken_over_at = ${at}, taken_over_by = ${dm.id}, handed_to = ${handler}, acknowledged_at = coalesce(acknowledged_at, ${at}),
             acknowledged_by = coalesce(acknowledged_by, ${dm.id}), ack_comment = coalesce(ack_comment, ${input.remarks})
      where application_id = ${b.applicationId} and taken_over_at is null`;
    await appendEvent(sql, {
      applicationId: b.applicationId,
      actorId: dm.id,
      actorRole: dm.role,
      action: 'take_over',
      fromStatus: app!.status,
      toStatus: app!.status,
      remarks: `${handler === dm.id ? 'decided by the DM' : `handed to ${handlerName}`}: ${input.remarks}`,
      channel: null,
      at,
      capacity: TAKEN_OVER
    });
    if (handler !== dm.id) {
      await enqueueNotification(sql, at, {
        event: 'new_work',
        userIds: [handler],
        applicationId: b.applicationId,
        link: `${deps.config.origin}/applications/${app!.ain}`,
        values: (lang) => ({ ain: app!.ain, step: steps[b.step === 'scrutiny' ? 'scrutiny' : 'decision'][lang], due: smsDate(app!.stepDueAt ?? app!.dueAt) })
      });
    }
    deps.log.info('escalation_taken_over', { breach: breachId, by: dm.id });
    return { ain: app!.ain, version: app!.version, handlerId: handler };
  });
}
