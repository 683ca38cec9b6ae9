// Who hears about each step of an application (DESIGN §8): the citizen on every change of status, and the officer
// who has new work. Called inside the step's transaction, so the messages exist exactly when the step does.
import type { Lang } from '../../i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { enqueueNotification } from '../notify/notify.ts';
import { smsReasons, steps, type NotificationEvent, type Step } from '../notify/templates.ts';
import { smsDate } from '../time.ts';
import type { Action } from './workflow.ts';

export interface StepFacts {
  id: string;
  ain: string;
  applicantId: string;
  officeId: string;
  /** The Enquiry Officer now assigned, for the steps that give one work. */
  assignedEoId: string | null;
  /** The decision expected by: what the citizen is told. */
  dueAt: Date;
  /** When the step the application now waits in is due: what the officer with the new work is told. */
  stepDueAt: Date | null;
}

export interface StepDetails {
  reason?: string | null;
  remarks?: string | null;
  certificateNo?: string | null;
}

const citizenEvent: Partial<Record<Action, NotificationEvent>> = {
  resubmit: 'received',
  forward_to_eo: 'sent_for_enquiry',
  re_enquire: 'sent_for_enquiry',
  submit_report: 'enquiry_completed',
  send_back: 'sent_back',
  approve: 'approved',
  reject: 'rejected',
  mark_delivered: 'collected',
  // The holder hears of it at once: a revoked certificate must not be shown as proof of residence.
  revoke_certificate: 'certificate_revoked'
};

/** Whose desk the application lands on after the step, and what they are to do there. */
const officerWork: Partial<Record<Action | 'submit', { who: 'bdo' | 'eo'; step: Step }>> = {
  submit: { who: 'bdo', step: 'scrutiny' },
  resubmit: { who: 'bdo', step: 'scrutiny' },
  forward_to_eo: { who: 'eo', step: 'enquiry' },
  reassign_eo: { who: 'eo', step: 'enquiry' },
  re_enquire: { who: 'eo', step: 'enquiry' },
  submit_report: { who: 'bdo', step: 'decision' }
};

export async function notifyStep(deps: Pick<Deps, 'config'>, sql: Queryable, app: StepFacts, action: Action | 'submit', at: Date, details: StepDetails = {}): Promise<void> {
  const origin = deps.config.origin;
  const event = action === 'submit' ? 'received' : citizenEvent[action];
  if (event) {
    // The applicant as written on the form (DESIGN §12): their mobile and email, and their name for the greeting.
    const [form] = await sql<{ name: string; mobile: string | null; email: string | null }[]>`
      select applicant_name as name, form->>'mobile' as mobile, nullif(form->>'email', '') as email from applications where id = ${app.id}`;
    await enqueueNotification(sql, at, {
      event,
      userIds: [app.applicantId],
      applicationId: app.id,
      // A revocation points at the certificate's public verification, which says revoked and why.
      link: action === 'revoke_certificate' && details.certificateNo ? `${origin}/verify/${details.certificateNo}` : `${origin}/track/${app.ain}`,
      contacts: form,
      values: (lang: Lang) => ({
        ain: app.ain,
        date: smsDate(at),
        due: smsDate(app.dueAt),
        remarks: details.remarks ?? '',
        reason: details.reason ? (smsReasons[details.reason]?.[lang] ?? details.reason) : '',
        certificateNo: details.certificateNo ?? ''
      })
    });
  }
  const work = officerWork[action];
  if (work) {
    const officers =
      work.who === 'eo'
        ? app.assignedEoId
          ? [app.assignedEoId]
          : []
        : // The processing officer: the block's BDO, or the SDO for a municipal area (issue 13).
          (await sql<{ id: string }[]>`
            select u.id from users u
            left join area_processing p on p.area_office_id = ${app.officeId}
            where u.role = coalesce(p.processing_role, 'bdo') and u.office_id = coalesce(p.processing_office_id, ${app.officeId})
              and u.deactivated_at is null`).map((u) => u.id);
    await enqueueNotification(sql, at, {
      event: 'new_work',
      userIds: officers,
      applicationId: app.id,
      link: `${origin}/applications/${app.ain}`,
      values: (lang: Lang) => ({ ain: app.ain, step: steps[work.step][lang], due: smsDate(app.stepDueAt ?? app.dueAt) })
    });
  }
}
