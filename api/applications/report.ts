// The Enquiry Officer's field report (seed step 4): written on a phone in the field, often with no network, and
// sent when the network returns. The Idempotency-Key makes a resend answer like the first send; an enquiry that the
// BDO reassigned meanwhile answers 409 so the phone keeps the report and says why.
import { createHash } from 'node:crypto';
import type { ReportInput } from '../../shared/report.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import type { User } from '../users/user.ts';
import { lockApplication } from './access.ts';
import { authorityOf, refusal } from './act.ts';
import { duesFor, loadSlaClock } from '../sla/rules.ts';
import { recordLateStep } from '../sla/breaches.ts';
import { appendEvent } from './audit.ts';
import { notifyStep } from './notify.ts';
import { decide } from './workflow.ts';

export interface ReportResult {
  ain: string;
  status: 'enquiry_reported';
  version: number;
  reportId: string;
  replayed: boolean;
}

/** For an Enquiry Officer (the route requires `reports:submit`). */
export async function submitReport(deps: Pick<Deps, 'sql' | 'clock' | 'log' | 'config'>, actor: User, ain: string, input: ReportInput, idempotencyKey: string): Promise<ReportResult> {
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const replay = await previousReport(deps.sql, actor.id, idempotencyKey, requestHash);
  if (replay) return replay;
  const now = deps.clock.now();
  if (new Date(input.visitedAt).getTime() > now.getTime() + 10 * 60_000) {
    throw new ApiError(400, 'validation', { fields: { visitedAt: 'field.visited_at' } });
  }

  return deps.sql.begin(async (sql) => {
    await sql`select pg_advisory_xact_lock(hashtext(${actor.id + '/report/' + idempotencyKey}))`;
    const raced = await previousReport(sql, actor.id, idempotencyKey, requestHash);
    if (raced) return raced;

    const app = await lockApplication(sql, ain);
    // The assigned EO, or the officer holding the acting charge for them (issue 13).
    const authority = await authorityOf(sql, actor, app, now);
    if (app.assignedEoId !== actor.id && !authority.standing.isAssignedEo) {
      // An EO of the block who is not (or no longer) assigned: on a phone that synced late, that means the BDO
      // reassigned the enquiry. Anyone else has no business here.
      if (actor.officeId === app.officeId) throw new ApiError(409, 'enquiry_reassigned');
      throw new ApiError(403, 'forbidden');
    }
    const decision = decide(app, 'submit_report', input.version, authority.standing);
    if (!decision.ok) throw refusal(decision);

    const [report] = await sql<{ id: string }[]>`
      insert into enquiry_reports (application_id, eo_id, visited_at, findings, recommendation, latitude, longitude, accuracy_m,
                                   location_note, submitted_at, idempotency_key, request_hash)
      values (${app.id}, ${actor.id}, ${input.visitedAt}, ${input.findings}, ${input.recommendation},
              ${input.position?.latitude ?? null}, ${input.position?.longitude ?? null}, ${input.position?.accuracy ?? null},
              ${input.locationNote || null}, ${now}, ${idempotencyKey}, ${requestHash})
      returning id`;
    if (input.photos.length) {
      const attached = await sql`
        update documents set application_id = ${app.id}, report_id = ${report!.id}
        where id in ${sql(input.photos)} and uploaded_by = ${actor.id} and kind = 'field_photo' and application_id is null`;
      if (attached.count !== new Set(input.photos).size) throw new ApiError(400, 'validation', { fields: { photos: 'field.photos' } });
    }
    const version = app.version + 1;
    const dues = duesFor(decision.to, app.slaStartedAt, await loadSlaClock(sql, app.slaStartedAt, deps.config.sla.days));
    await recordLateStep(sql, app.id, now);
    await sql`
      update applications set status = ${decision.to}, version = ${version}, updated_at = ${now}, step_due_at = ${dues.stepDueAt}, l1_due_at = ${dues.l1DueAt}
      where id = ${app.id}`;
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'submit_report',
      fromStatus: app.status,
      toStatus: decision.to,
      remarks: input.recommendation,
      capacity: authority.capacity,
      channel: null,
      at: now
    });
    await notifyStep(deps, sql, { ...app, stepDueAt: dues.stepDueAt }, 'submit_report', now);
    deps.log.info('enquiry_reported', { by: actor.id, photos: input.photos.length });
    return { ain, status: 'enquiry_reported' as const, version, reportId: report!.id, replayed: false };
  });
}

async function previousReport(sql: Queryable, eoId: string, key: string, requestHash: string): Promise<ReportResult | null> {
  const [row] = await sql<{ id: string; requestHash: string; ain: string; version: number }[]>`
    select r.id, r.request_hash, a.ain, a.version
    from enquiry_reports r join applications a on a.id = r.application_id
    where r.eo_id = ${eoId} and r.idempotency_key = ${key}`;
  if (!row) return null;
  if (row.requestHash !== requestHash) throw new ApiError(422, 'idempotency_key_reused');
  // The report's existence is the answer the phone needs; the version is the application's now.
  return { ain: row.ain, status: 'enquiry_reported', version: row.version, reportId: row.id, replayed: true };
}
