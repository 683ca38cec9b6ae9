// Resubmission after a send-back (seed step 8): the applicant, or the counter that filed it, corrects the form and
// replaces documents; the application returns to `submitted` under the same AIN. Nothing is overwritten without a
// trace: replaced documents stay attached, marked replaced, and the audit event names every changed field.
import { documentSetErrors, type ApplicationInput, type DocumentKind } from '../../shared/application.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { duesFor, loadSlaClock } from '../sla/rules.ts';
import type { User } from '../users/user.ts';
import { storeAadhaar } from './aadhaar.ts';
import { attachUploads } from './submit.ts';
import { lockApplication } from './access.ts';
import { refusal, standingOf } from './act.ts';
import { notifyStep } from './notify.ts';
import { appendEvent } from './audit.ts';
import { decide } from './workflow.ts';

export type ResubmitInput = Omit<ApplicationInput, 'onBehalfOf'> & { version: number };

export async function resubmitApplication(deps: Deps, actor: User, ain: string, input: ResubmitInput): Promise<{ ain: string; status: 'submitted'; version: number }> {
  const now = deps.clock.now();
  // T starts again (DESIGN §5): the days spent sent back are the citizen's, not the office's.
  const dues = duesFor('submitted', now, await loadSlaClock(deps.sql, now, deps.config.sla.days));
  const dueAt = dues.expectedBy;
  return deps.sql.begin(async (sql) => {
    const app = await lockApplication(sql, ain);
    const decision = decide(app, 'resubmit', input.version, await standingOf(sql, actor, app, now));
    if (!decision.ok) throw refusal(decision);
    const { aadhaar, ...form } = input.applicant;
    // The block decides the AIN, the BDO and the jurisdiction: moving block is a new application, not a correction.
    if (form.presentAddress.blockId !== app.officeId) {
      throw new ApiError(400, 'validation', { fields: { 'applicant.presentAddress.blockId': 'field.block_fixed' } });
    }

    // The documents wanted now: ones already in this application, and new uploads of the actor's own (each named
    // once: the schema refuses a repeated id).
    const wanted = input.documents;
    const docs = await sql<{ id: string; kind: DocumentKind; mime: string; applicationId: string | null; uploadedBy: string; replacedAt: Date | null }[]>`
      select id, kind, mime, application_id::text, uploaded_by, replaced_at from documents where id in ${sql(wanted)}`;
    const usable = docs.filter((d) =>
      d.kind !== ('field_photo' as DocumentKind) && (d.applicationId === app.id ? d.replacedAt === null : d.applicationId === null && d.uploadedBy === actor.id)
    );
    if (usable.length !== wanted.length) throw new ApiError(400, 'validation', { fields: { documents: 'field.documents' } });
    const setErrors = documentSetErrors(usable);
    if (Object.keys(setErrors).length) throw new ApiError(400, 'validation', { fields: setErrors });

    const replaced = await sql<{ kind: string }[]>`
      update documents set replaced_at = ${now}
      where application_id = ${app.id} and replaced_at is null and kind <> 'field_photo' and id not in ${sql(wanted)}
      returning kind`;
    const added = usable.filter((d) => d.applicationId === null);
    await attachUploads(sql, app.id, actor.id, added.map((d) => d.id));
    if (aadhaar) await storeAadhaar(sql, deps.aadhaarKeys, app.id, aadhaar);

    const version = app.version + 1;
    await sql`
      update applications
      set status = 'submitted', version = ${version}, form = ${sql.json(form)}, applicant_name = ${form.name}, due_at = ${dueAt},
          sla_started_at = ${now}, step_due_at = ${dues.stepDueAt}, l1_due_at = ${dues.l1DueAt},
          updated_at = ${now}, assigned_eo_id = null, decision_code = null, decision_remarks = null
      where id = ${app.id}`;
    const changes = [
      ...changedFields(app.form, form),
      ...(aadhaar ? ['aadhaar'] : []),
      ...new Set([...replaced.map((d) => `documents.${d.kind}`), ...added.map((d) => `documents.${d.kind}`)])
    ];
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'resubmit',
      fromStatus: app.status,
      toStatus: 'submitted',
      remarks: changes.length ? `changed: ${changes.join(', ')}` : 'no changes',
      channel: null,
      at: now
    });
    await notifyStep(deps, sql, { ...app, assignedEoId: null, dueAt, stepDueAt: dues.stepDueAt }, 'resubmit', now);
    deps.log.info('application_resubmitted', { changes: changes.length });
    return { ain, status: 'submitted' as const, version };
  });
}

/** Dotted paths of the fields whose values differ, e.g. ["presentAddress.house", "purpose"]. */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].sort().flatMap((k) => changedFields((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '_'];
}
