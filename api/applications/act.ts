// An officer's decision on an application (DESIGN §4, seed steps 3–7): one transaction that locks the row, asks the
// workflow whether the step is allowed for this person at this version, writes the new state, one audit event and
// the citizen's notifications. A decision taken on a stale screen is refused with 409 and changes nothing.
import type { RejectionReason } from '../../shared/decision.ts';
import { recordCertificate, recordUnusedNumber, signCertificate, type IssuedCertificate, type SignedCertificate } from '../certificates/issue.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import type { User } from '../users/user.ts';
import { lockApplication, readApplication, type ApplicationRow } from './access.ts';
import { duesFor, loadSlaClock, restartedDues } from '../sla/rules.ts';
import { recordLateStep } from '../sla/breaches.ts';
import { appendEvent } from './audit.ts';
import { notifyStep } from './notify.ts';
import { decide, type Decision, type Standing, type Status } from './workflow.ts';
import { authorityOver, processingOf, type Authority, type Designation } from './authority.ts';


export type OfficerAction =
  | { action: 'forward_to_eo' | 'reassign_eo'; version: number; eoId: string; remarks?: string }
  | { action: 're_enquire'; version: number; eoId?: string; remarks?: string }
  | { action: 'reject'; version: number; reason: RejectionReason; remarks: string }
  | { action: 'send_back'; version: number; remarks: string }
  | { action: 'approve'; version: number; remarks?: string }
  | { action: 'mark_delivered'; version: number; collector: Collector };

/** Who took the certificate away (issue 13 item 4): recorded with the hand-over. */
export interface Collector {
  name: string;
  relation: 'self' | 'father' | 'mother' | 'spouse' | 'son' | 'daughter' | 'sibling' | 'other';
  idType: string;
  idLast4: string;
}

/** Who the actor is to this application (the facts workflow.ts decides on), and in what capacity they act. */
export async function authorityOf(sql: Queryable, actor: User, app: Pick<ApplicationRow, 'id' | 'applicantId' | 'filedBy' | 'officeId' | 'assignedEoId' | 'handlerId'>, at: Date): Promise<Authority> {
  const printedAt =
    actor.role === 'operator'
      ? (await sql<{ counterId: string }[]>`
          select distinct p.counter_id from certificate_prints p join certificates c on c.certificate_no = p.certificate_no
          where c.application_id = ${app.id}`).map((r) => r.counterId)
      : [];
  return authorityOver(sql, actor, { ...app, certificatePrintedAt: printedAt }, at);
}

export async function standingOf(sql: Queryable, actor: User, app: Pick<ApplicationRow, 'id' | 'applicantId' | 'filedBy' | 'officeId' | 'assignedEoId' | 'handlerId'>, at: Date): Promise<Standing> {
  return (await authorityOf(sql, actor, app, at)).standing;
}

/** A refusal from the workflow as the HTTP answer a person can act on. */
export function refusal(decision: Extract<Decision, { ok: false }>): ApiError {
  if (decision.reason === 'stale_version') return new ApiError(409, 'stale_version');
  if (decision.reason === 'wrong_state') return new ApiError(409, 'wrong_state');
  return new ApiError(403, 'forbidden');
}

/**
 * How an approval's certificate is recorded inside the approval's transaction: one signed just before it
 * (`signedBeforehand`), or the one an eSign answer completes (api/esign/flow.ts). `designation`: the capacity printed
 * under the signature (issue 13), from api/applications/authority.ts.
 */
export type Issuer = (sql: Queryable, app: ApplicationRow, now: Date, designation: Designation | null) => Promise<IssuedCertificate>;

export async function actOnApplication(
  deps: Deps,
  actor: User,
  ain: string,
  input: OfficerAction,
  issue?: Issuer
): Promise<{ ain: string; status: Status; version: number; certificateNo?: string }> {
  const now = deps.clock.now();
  // Rendering and signing take hundreds of milliseconds (more with a TSA far away): done first, they hold neither
  // the application's row lock nor a pooled connection — on the embedded database, the only one (issue 16).
  let signed: { certificate: SignedCertificate; applicationId: string } | null = null;
  if (input.action === 'approve' && !issue) ({ issue, signed } = await signedBeforehand(deps, actor, ain, input, now));
  try {
    return await deps.sql.begin(async (sql) => {
      const app = await lockApplication(sql, ain);
      const authority = await authorityOf(sql, actor, app, now);
      const decision = decide(app, input.action, input.version, authority.standing);
      if (!decision.ok) throw refusal(decision);

      let assignedEoId = app.assignedEoId;
      if ('eoId' in input && input.eoId) {
        // The enquiry goes to an Enquiry Officer of the application's own block (seed step 3), or of the subdivision
        // for a municipal area; never to a deactivated account.
        const processing = await processingOf(sql, app.officeId);
        const [eo] = await sql<{ id: string }[]>`
          select id from users where id = ${input.eoId} and role = 'eo' and office_id = ${processing.officeId} and deactivated_at is null`;
        if (!eo) throw new ApiError(400, 'validation', { fields: { eoId: 'field.eo' } });
        assignedEoId = eo.id;
      }
      const code = input.action === 'reject' ? input.reason : null;
      const remarks = ('remarks' in input && input.remarks?.trim()) || null;
      const version = app.version + 1;
      if (input.action === 'approve') await requireReasonToApprove(sql, app, remarks);
      // Step 5: approval records the signed certificate in the same transaction, so there is never an approved
      // application without one, nor a certificate for an application that was not approved.
      const certificate = input.action === 'approve' ? await issue!(sql, app, now, authority.designation) : null;
      if (input.action === 'mark_delivered') await recordCollection(sql, app.id, actor, input.collector, now);
      // The next step's due times count from T, the submission; a decision or a send-back stops the clock.
      const slaClock = await loadSlaClock(sql, app.slaStartedAt, deps.config.sla.days);
      const dues = input.action === 're_enquire' ? restartedDues(decision.to, now, slaClock) : duesFor(decision.to, app.slaStartedAt, slaClock);
      // Reassigning an enquiry keeps its due time; the new officer is reminded afresh. Leaving a step late is recorded.
      if (input.action === 'reassign_eo') await sql`delete from sla_reminders where application_id = ${app.id} and step = 'enquiry'`;
      else await recordLateStep(sql, app.id, now);
      const decided = input.action === 'approve' || input.action === 'reject';
      // A take-over on escalation lasts until the application leaves the officers' desks.
      const handlerId = decided || input.action === 'send_back' ? null : app.handlerId;
      await sql`
        update applications
        set status = ${decision.to}, version = ${version}, updated_at = ${now}, assigned_eo_id = ${assignedEoId},
            step_due_at = ${dues.stepDueAt}, l1_due_at = ${dues.l1DueAt}, decided_at = case when ${decided}::boolean then ${now}::timestamptz else decided_at end,
            handler_id = ${handlerId}, decision_code = ${code}, decision_remarks = ${input.action === 'reject' || input.action === 'send_back' || input.action === 'approve' ? remarks : null}
        where id = ${app.id}`;
      await appendEvent(sql, {
        applicationId: app.id,
        actorId: actor.id,
        actorRole: actor.role,
        action: input.action,
        fromStatus: app.status,
        toStatus: decision.to,
        // "not_resident: Not found at the address", "ORC-2026-11002-000017", or the remarks alone.
        remarks: [code ?? certificate?.certificateNo, remarks].filter(Boolean).join(': ') || null,
        channel: null,
        at: now,
        capacity: authority.capacity
      });
      await notifyStep(deps, sql, { ...app, assignedEoId, stepDueAt: dues.stepDueAt }, input.action, now, { reason: code, remarks, certificateNo: certificate?.certificateNo });
      deps.log.info('application_action', { action: input.action, by: actor.id, to: decision.to });
      return { ain, status: decision.to, version, ...(certificate ? { certificateNo: certificate.certificateNo } : {}) };
    });
  } catch (err) {
    // A number taken for a certificate this transaction then did not record is accounted for (migrations/015).
    if (signed) await recordUnusedNumber(deps, deps.sql, { certificateNo: signed.certificate.certificateNo, applicationId: signed.applicationId, at: now }, err);
    throw err;
  }
}

/**
 * The certificate of an approval, signed before its transaction, and how that transaction records it. The
 * application is read and the approval checked as the transaction will check it (workflow, reason), so a refused
 * approval is told at once and takes no certificate number; the transaction then finds the same version, or refuses.
 */
async function signedBeforehand(
  deps: Deps,
  actor: User,
  ain: string,
  input: Extract<OfficerAction, { action: 'approve' }>,
  now: Date
): Promise<{ issue: Issuer; signed: { certificate: SignedCertificate; applicationId: string } }> {
  const app = await readApplication(deps.sql, ain);
  const authority = await authorityOf(deps.sql, actor, app, now);
  const decision = decide(app, 'approve', input.version, authority.standing);
  if (!decision.ok) throw refusal(decision);
  await requireReasonToApprove(deps.sql, app, input.remarks?.trim() || null);
  const signed = await signCertificate(deps, deps.sql, app, actor, now, authority.designation);
  const issue: Issuer = async (sql, locked, at, designation) => {
    // The capacity the certificate prints must still be the officer's (an acting charge may have ended meanwhile).
    if (JSON.stringify(designation) !== JSON.stringify(authority.designation)) throw new ApiError(409, 'stale_version');
    return recordCertificate(deps, sql, { applicationId: locked.id, certificateNo: signed.certificateNo, at, officerId: actor.id, pdf: signed.pdf, seal: signed.seal });
  };
  return { issue, signed: { certificate: signed, applicationId: app.id } };
}

/**
 * The seed lets the BDO approve without an enquiry when none is needed, and decide against the EO's advice; both
 * must be explained on the record (DESIGN §12), and the certificate then says what actually happened.
 */
async function requireReasonToApprove(sql: Queryable, app: Pick<ApplicationRow, 'id' | 'status'>, remarks: string | null): Promise<void> {
  const enquiry = await enquiryBehind(sql, app.id, app.status);
  if ((!enquiry.held || enquiry.recommendation === 'do_not_recommend') && !remarks) {
    throw new ApiError(400, 'validation', { fields: { remarks: enquiry.held ? 'field.approve_against_report' : 'field.approve_without_enquiry' } });
  }
}

/**
 * Whether the approval rests on a field enquiry: the application comes from "enquiry reported" (an approval from
 * "received" skipped it), and what the latest report recommended.
 */
async function enquiryBehind(sql: Queryable, applicationId: string, status: Status): Promise<{ held: boolean; recommendation: string | null }> {
  if (status !== 'enquiry_reported') return { held: false, recommendation: null };
  const [report] = await sql<{ recommendation: string }[]>`
    select recommendation from enquiry_reports where application_id = ${applicationId} order by submitted_at desc limit 1`;
  return { held: true, recommendation: report?.recommendation ?? null };
}

/**
 * The hand-over (seed step 7) is allowed only for an issued certificate that still stands, and records who collected
 * it: a revoked certificate must never be handed to anyone.
 */
async function recordCollection(sql: Queryable, applicationId: string, actor: User, collector: Collector, at: Date): Promise<void> {
  const [certificate] = await sql<{ certificateNo: string; revokedAt: Date | null }[]>`
    select certificate_no, revoked_at from certificates where application_id = ${applicationId} for update`;
  if (!certificate) throw new ApiError(409, 'certificate_not_issued');
  if (certificate.revokedAt) throw new ApiError(409, 'certificate_revoked');
  await sql`
    insert into certificate_collections (certificate_no, collector_name, relation, id_type, id_last4, counter_id, recorded_by, collected_at)
    values (${certificate.certificateNo}, ${collector.name}, ${collector.relation}, ${collector.idType}, ${collector.idLast4.toUpperCase()},
            ${actor.role === 'operator' ? actor.officeId : null}, ${actor.id}, ${at})`;
}
