// An officer's decision on an application (DESIGN §4, seed steps 3–5): one transaction that locks the row, asks the
// workflow whether the step is allowed for this person at this version, writes the new state, one audit event and
// the citizen's notifications. A decision taken on a stale screen is refused with 409 and changes nothing.
import { translate, type MessageKey } from '../../i18n/index.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { enqueue, type OutgoingMessage } from '../notify/outbox.ts';
import type { User } from '../users/user.ts';
import { appendEvent } from './audit.ts';
import { decide, type Status } from './workflow.ts';

export const rejectionReasons = ['documents_insufficient', 'not_resident', 'false_information', 'duplicate', 'other'] as const;

export type OfficerAction =
  | { action: 'forward_to_eo' | 'reassign_eo'; version: number; eoId: string; remarks?: string }
  | { action: 're_enquire'; version: number; eoId?: string; remarks?: string }
  | { action: 'reject'; version: number; reason: (typeof rejectionReasons)[number]; remarks: string }
  | { action: 'send_back'; version: number; remarks: string };

export async function actOnApplication(deps: Deps, actor: User, ain: string, input: OfficerAction): Promise<{ ain: string; status: Status; version: number }> {
  const now = deps.clock.now();
  return deps.sql.begin(async (sql) => {
    const [app] = await sql<{ id: string; status: Status; version: number; officeId: string; applicantId: string; filedBy: string; assignedEoId: string | null }[]>`
      select id::text, status, version, office_id, applicant_id, filed_by, assigned_eo_id
      from applications where ain = ${ain} for update`;
    if (!app) throw new ApiError(404, 'not_found');
    const decision = decide(app, input.action, input.version, {
      role: actor.role,
      isOwner: app.applicantId === actor.id || app.filedBy === actor.id,
      isBlockBdo: actor.role === 'bdo' && actor.officeId === app.officeId,
      isAssignedEo: actor.role === 'eo' && app.assignedEoId === actor.id
    });
    if (!decision.ok) {
      if (decision.reason === 'stale_version') throw new ApiError(409, 'stale_version');
      if (decision.reason === 'wrong_state') throw new ApiError(409, 'wrong_state');
      throw new ApiError(403, 'forbidden');
    }

    let assignedEoId = app.assignedEoId;
    if ('eoId' in input && input.eoId) {
      // The enquiry goes to an Enquiry Officer of the application's own block (seed step 3).
      const [eo] = await sql<{ id: string }[]>`select id from users where id = ${input.eoId} and role = 'eo' and office_id = ${app.officeId}`;
      if (!eo) throw new ApiError(400, 'validation', { fields: { eoId: 'field.eo' } });
      assignedEoId = eo.id;
    }
    const code = input.action === 'reject' ? input.reason : null;
    const remarks = input.remarks?.trim() || null;
    const version = app.version + 1;
    await sql`
      update applications
      set status = ${decision.to}, version = ${version}, updated_at = ${now}, assigned_eo_id = ${assignedEoId},
          decision_code = ${code}, decision_remarks = ${input.action === 'reject' || input.action === 'send_back' ? remarks : null}
      where id = ${app.id}`;
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: actor.id,
      actorRole: actor.role,
      action: input.action,
      fromStatus: app.status,
      toStatus: decision.to,
      remarks: code ? `${code}: ${remarks}` : remarks,
      channel: null,
      at: now
    });

    const [citizen] = await sql<{ mobile: string; email: string | null; lang: User['lang'] }[]>`select mobile, email, lang from users where id = ${app.applicantId}`;
    const template: MessageKey | null =
      input.action === 'forward_to_eo' ? 'msg.under_enquiry_sms' : input.action === 'reject' ? 'msg.rejected_sms' : input.action === 'send_back' ? 'msg.sent_back_sms' : null;
    if (citizen && template) {
      const lang = citizen.lang;
      const vars = { ain, url: `${deps.config.origin}/track/${ain}`, reason: code ? translate(lang, `reason.${code}` as MessageKey) : '', status: translate(lang, `status.${decision.to}` as MessageKey) };
      const body = translate(lang, template, vars);
      const messages: OutgoingMessage[] = [{ channel: 'sms', recipient: citizen.mobile, template: input.action, body, lang, applicationId: app.id }];
      if (citizen.email) messages.push({ channel: 'email', recipient: citizen.email, template: input.action, subject: translate(lang, 'msg.status_subject', vars), body, lang, applicationId: app.id });
      await enqueue(sql, now, messages);
    }
    deps.log.info('application_action', { action: input.action, by: actor.id, to: decision.to });
    return { ain, status: decision.to, version };
  });
}
