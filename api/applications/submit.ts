// Submitting an application (seed, steps 1–2; DESIGN §4): one transaction takes an AIN, stores the form, attaches
// the documents, seals the Aadhaar number, appends the first audit event and queues the "received" SMS and email.
// The Idempotency-Key makes a retried submission (an offline phone resending) return the first result.
import { createHash } from 'node:crypto';
import { makeAin } from '../../shared/ain.ts';
import { documentSetErrors, type ApplicationInput, type DocumentKind } from '../../shared/application.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { generateOneTimePassword, hashPassword } from '../auth/password.ts';
import type { Deps } from '../deps.ts';
import type { Queryable } from '../db/connect.ts';
import { ApiError } from '../http/errors.ts';
import { getOffice, takesApplications } from '../offices/offices.ts';
import { kolkataDate } from '../time.ts';
import { duesFor, loadSlaClock } from '../sla/rules.ts';
import { sendLoginDetails } from '../users/login-details.ts';
import { createUser, type User } from '../users/user.ts';
import { storeAadhaar } from './aadhaar.ts';
import { appendEvent } from './audit.ts';
import { notifyStep } from './notify.ts';

export interface Submitted {
  ain: string;
  status: 'submitted';
  replayed: boolean;
}

export async function submitApplication(deps: Deps, actor: User, input: ApplicationInput, idempotencyKey: string, lang: User['lang']): Promise<Submitted> {
  const channel = await channelOf(deps, actor);
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  // A retry is answered before anything is checked again: its documents are already attached to the first one.
  const replay = await previousSubmission(deps.sql, actor.id, idempotencyKey, requestHash);
  if (replay) return replay;

  // An operator files for a citizen identified by mobile: their account is linked, or made (seed A.b, A.c).
  const citizen = channel === 'web' ? null : (input.onBehalfOf ?? { name: input.applicant.name, mobile: input.applicant.mobile, email: input.applicant.email });
  const citizenMobile = citizen ? toE164IndianMobile(citizen.mobile)! : null;
  const now = deps.clock.now();
  // Independent look-ups, together: submission is on the benchmarked path (DESIGN §10).
  const [block, counter, , existingCitizen, slaClock] = await Promise.all([
    getOffice(deps.sql, input.applicant.presentAddress.blockId),
    channel !== 'web' && actor.officeId ? getOffice(deps.sql, actor.officeId) : null,
    checkDocuments(deps.sql, actor.id, input.documents),
    citizenMobile ? userIdByMobile(deps.sql, citizenMobile) : null,
    loadSlaClock(deps.sql, now, deps.config.sla.days)
  ]);
  const dues = duesFor('submitted', now, slaClock);
  const dueAt = dues.expectedBy;
  // A block, or a municipal area (issue 13), whose processing office the area_processing data names.
  const blockField = 'applicant.presentAddress.blockId';
  if (!block || (block.kind !== 'block' && block.kind !== 'urban')) throw new ApiError(400, 'validation', { fields: { [blockField]: 'field.block' } });
  // A municipal area is processed by the office area_processing names; one with none (the Kolkata Municipal
  // Corporation, issue 15) would wait for an officer who cannot exist, so it is refused rather than left to breach.
  if (block.kind === 'urban' && !(await takesApplications(deps.sql, block.id))) throw new ApiError(400, 'validation', { fields: { [blockField]: 'field.area_not_served' } });
  // A counter serves its own district's applicants (counters.ts prints and hands over only theirs).
  if (counter && counter.districtId !== block.districtId) throw new ApiError(400, 'validation', { fields: { [blockField]: 'field.block_other_district' } });
  const newPassword = citizenMobile && !existingCitizen ? generateOneTimePassword() : null;
  const newPasswordHash = newPassword ? await hashPassword(newPassword) : null;

  let created: User | null = null;
  const result = await deps.sql.begin(async (sql) => {
    // Serialises retries of one submission, so a double tap cannot take two AINs.
    await sql`select pg_advisory_xact_lock(hashtext(${actor.id + '/' + idempotencyKey}))`;
    const raced = await previousSubmission(sql, actor.id, idempotencyKey, requestHash);
    if (raced) return raced;

    let applicant: { id: string; mobile: string; email: string | null; lang: User['lang'] } = actor;
    if (citizen && citizenMobile) {
      const [found] = await sql<{ id: string; role: string; mobile: string; email: string | null; lang: User['lang'] }[]>`
        select id, role, mobile, email, lang from users where mobile = ${citizenMobile}`;
      if (found && found.role !== 'citizen') throw new ApiError(409, 'mobile_not_citizen', { fields: { 'onBehalfOf.mobile': 'field.mobile_taken' } });
      if (found) applicant = found;
      else {
        if (!newPasswordHash) throw new Error('account appeared and vanished during submission');
        created = await createUser(sql, {
          name: citizen.name,
          mobile: citizenMobile,
          email: citizen.email ? citizen.email.toLowerCase() : null,
          role: 'citizen',
          officeId: null,
          lang, // the language the counter is working in with this citizen
          passwordHash: newPasswordHash,
          mustChangePassword: true,
          passwordExpiresAt: new Date(now.getTime() + deps.config.session.tempPasswordMs),
          createdBy: actor.id
        });
        applicant = created;
      }
    }

    const ain = await nextAin(sql, block, now);
    const { aadhaar, ...form } = input.applicant;
    const [app] = await sql<{ id: string }[]>`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, filing_office_id, applicant_name, form,
                                submitted_at, due_at, sla_started_at, step_due_at, l1_due_at, updated_at, idempotency_key, request_hash)
      values (${ain}, 'submitted', ${applicant.id}, ${actor.id}, ${channel}, ${block.id}, ${actor.officeId}, ${form.name},
              ${sql.json(form)}, ${now}, ${dueAt}, ${now}, ${dues.stepDueAt}, ${dues.l1DueAt}, ${now}, ${idempotencyKey}, ${requestHash})
      returning id::text`;
    const applicationId = app!.id;

    await attachUploads(sql, applicationId, actor.id, input.documents);
    if (aadhaar) await storeAadhaar(sql, deps.aadhaarKeys, applicationId, aadhaar);

    await appendEvent(sql, {
      applicationId,
      actorId: actor.id,
      actorRole: actor.role,
      action: 'submit',
      fromStatus: null,
      toStatus: 'submitted',
      remarks: null,
      channel,
      at: now
    });
    await notifyStep(deps, sql, { id: applicationId, ain, applicantId: applicant.id, officeId: block.id, assignedEoId: null, dueAt, stepDueAt: dues.stepDueAt }, 'submit', now);
    return { ain, status: 'submitted' as const, replayed: false };
  });

  const account = created as User | null;
  if (account && newPassword) await sendLoginDetails(deps, account, newPassword);
  deps.log.info('application_submitted', { channel, office: block.id, replayed: result.replayed });
  return result;
}

async function previousSubmission(sql: Queryable, filedBy: string, key: string, requestHash: string): Promise<Submitted | null> {
  const [existing] = await sql<{ ain: string; requestHash: string }[]>`
    select ain, request_hash from applications where filed_by = ${filedBy} and idempotency_key = ${key}`;
  if (!existing) return null;
  if (existing.requestHash !== requestHash) throw new ApiError(422, 'idempotency_key_reused');
  return { ain: existing.ain, status: 'submitted', replayed: true };
}

async function channelOf(deps: Pick<Deps, 'sql'>, actor: User): Promise<'web' | 'kiosk' | 'csc'> {
  if (actor.role === 'citizen') return 'web';
  if (actor.role === 'operator' && actor.officeId) {
    const office = await getOffice(deps.sql, actor.officeId);
    if (office?.kind === 'kiosk' || office?.kind === 'csc') return office.kind;
  }
  throw new ApiError(403, 'forbidden');
}

/**
 * Attaches the uploader's own, still unattached uploads to the application (ids distinct: the schema refuses a
 * repeated one). One taken meanwhile by another submission is a conflict, and the transaction writes nothing.
 */
export async function attachUploads(sql: Queryable, applicationId: string, uploaderId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const attached = await sql`
    update documents set application_id = ${applicationId}
    where id in ${sql(ids)} and uploaded_by = ${uploaderId} and application_id is null`;
  if (attached.count !== ids.length) throw new ApiError(409, 'documents_in_use', { fields: { documents: 'field.documents' } });
}

async function userIdByMobile(sql: Queryable, mobile: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`select id from users where mobile = ${mobile}`;
  return row?.id ?? null;
}

/**
 * The documents exist, are the uploader's own and form a complete set. Whether one is already in an application is
 * decided by attachUploads, inside the transaction and after the replay check: judged here, the same submission
 * sent twice at once answered 400 to the copy that lost the race, though its twin had just stored it.
 */
async function checkDocuments(sql: Queryable, uploaderId: string, ids: string[]): Promise<void> {
  const docs = await sql<{ id: string; kind: DocumentKind; mime: string }[]>`
    select id, kind, mime from documents where id in ${sql(ids)} and uploaded_by = ${uploaderId}`;
  if (docs.length !== ids.length) {
    throw new ApiError(400, 'validation', { fields: { documents: 'field.documents' } });
  }
  const fields = documentSetErrors(docs);
  if (Object.keys(fields).length) throw new ApiError(400, 'validation', { fields });
}

/** The next AIN of a block for the year (Kolkata time) of submission. */
async function nextAin(sql: Queryable, block: { id: string; code: string; districtId: string }, at: Date): Promise<string> {
  const year = Number(kolkataDate(at).slice(0, 4));
  const [row] = await sql<{ lastSerial: number; districtCode: string }[]>`
    insert into ain_serials (office_id, year, last_serial) values (${block.id}, ${year}, 1)
    on conflict (office_id, year) do update set last_serial = ain_serials.last_serial + 1
    returning last_serial, (select code from offices where id = ${block.districtId}) as district_code`;
  return makeAin(year, row!.districtCode, block.code, row!.lastSerial);
}
