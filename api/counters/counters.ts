// The counter network (issue 13 item 4; DESIGN §13): kiosks at the DM's and SDOs' offices and CSCs are offices the
// administrator and the DM add, edit and close, with operators attached. A counter prints the certificate of any
// applicant of the district, but only after the citizen proves at the counter who they are — a code sent to the
// applicant's mobile, or the AIN with the date of birth and a photo ID whose number is recorded — and every print
// is recorded (who, where, when, how many copies).
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Lang } from '../../i18n/index.ts';
import { appendEvent } from '../applications/audit.ts';
import type { Queryable, Sql } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { render } from '../notify/templates.ts';
import { coveredSql } from '../offices/jurisdiction.ts';
import { getOffice, type Office } from '../offices/offices.ts';
import { recordStaffChange } from '../users/lifecycle.ts';
import type { User } from '../users/user.ts';

export interface Counter {
  id: string;
  kind: 'kiosk' | 'csc';
  code: string;
  nameEn: string;
  nameBn: string;
  parentId: string;
  address: string | null;
  pin: string | null;
  hours: string | null;
  closedAt: Date | null;
}

export interface CounterInput {
  kind: 'kiosk' | 'csc';
  code: string;
  nameEn: string;
  nameBn?: string;
  address: string;
  pin: string;
  hours: string;
  /** What it serves: a CSC its block (or municipal area); a kiosk its subdivision or the district. */
  parentId: string;
}

/** How long a passed identity check allows prints, and a sent code stays valid; and how many wrong codes end it. */
const CHECK_MINUTES = 15;
const MAX_CODE_ATTEMPTS = 5;

const columns = (sql: Queryable) => sql`id, kind, code, name_en, name_bn, parent_id, address, pin, hours, closed_at`;

/** Open counters that serve a block (a CSC of the block, the kiosks of its subdivision and district), or at a PIN. */
export async function findCounters(sql: Sql, where: { blockId?: string; pin?: string }): Promise<Counter[]> {
  if (where.blockId) {
    const block = await getOffice(sql, where.blockId);
    if (!block) return [];
    return sql<Counter[]>`
      select ${columns(sql)} from offices
      where kind in ('kiosk', 'csc') and closed_at is null
        and parent_id in ${sql([block.id, block.subdivisionId ?? block.id, block.districtId])}
        ${where.pin ? sql`and pin = ${where.pin}` : sql``}
      order by kind desc, name_en`;
  }
  return sql<Counter[]>`
    select ${columns(sql)} from offices
    where kind in ('kiosk', 'csc') and closed_at is null and pin = ${where.pin ?? ''}
    order by kind desc, name_en`;
}

/**
 * Every counter the manager may change — all for the administrator, the district's for the DM — closed ones too (the
 * page shows them as closed), and the active operator accounts the manager may attach, each with the office they
 * are posted to now: the counters page lists a counter's operators and offers the others from this one answer.
 */
export async function listManagedCounters(sql: Sql, manager: User): Promise<{ counters: Counter[]; operators: { id: string; name: string; officeId: string }[] }> {
  // coveredSql fails closed: a DM without an office (which validation does not allow) sees nothing, not everything.
  const [counters, operators] = await Promise.all([
    sql<Counter[]>`
      select ${columns(sql)} from offices o
      where kind in ('kiosk', 'csc') and ${coveredSql(sql, manager)}
      order by closed_at nulls first, kind desc, name_en`,
    sql<{ id: string; name: string; officeId: string }[]>`
      select u.id, u.name, u.office_id from users u join offices o on o.id = u.office_id
      where u.role = 'operator' and u.deactivated_at is null and ${coveredSql(sql, manager)}
      order by u.name, u.id`
  ]);
  return { counters, operators };
}

/** The counter if the manager may change it: any for the administrator, the district's for the DM. */
async function counterInReach(sql: Queryable, manager: User, id: string): Promise<Counter & { districtId: string }> {
  const [row] = await sql<(Counter & { districtId: string })[]>`
    select ${columns(sql)}, district_id from offices where id = ${id} and kind in ('kiosk', 'csc') for update`;
  if (!row) throw new ApiError(404, 'not_found');
  if (manager.role !== 'admin' && row.districtId !== manager.officeId) throw new ApiError(403, 'forbidden');
  return row;
}

function parentFits(kind: 'kiosk' | 'csc', parent: Office): boolean {
  return kind === 'csc' ? parent.kind === 'block' || parent.kind === 'urban' : parent.kind === 'subdivision' || parent.kind === 'district';
}

export async function createCounter(sql: Sql, manager: User, input: CounterInput): Promise<Counter> {
  const parent = await getOffice(sql, input.parentId);
  if (!parent || !parentFits(input.kind, parent)) throw new ApiError(400, 'validation', { fields: { parentId: 'field.counter_parent' } });
  if (manager.role !== 'admin' && parent.districtId !== manager.officeId) throw new ApiError(403, 'forbidden');
  const slug = input.code.toLowerCase();
  try {
    const [row] = await sql<Counter[]>`
      insert into offices (id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id, address, pin, hours)
      values (${`${parent.id}/${input.kind}-${slug}`}, ${input.kind}, ${input.code}, ${input.nameEn}, ${input.nameBn || input.nameEn},
              ${parent.id}, ${parent.districtId}, ${parent.subdivisionId}, ${input.address}, ${input.pin}, ${input.hours})
      returning ${columns(sql)}`;
    return row!;
  } catch (err) {
    const constraint = (err as { constraint_name?: string }).constraint_name;
    if (constraint === 'offices_pkey' || constraint === 'offices_code_per_parent') throw new ApiError(409, 'counter_code_taken', { fields: { code: 'field.counter_code_taken' } });
    throw err;
  }
}

export async function updateCounter(sql: Sql, manager: User, id: string, input: Partial<Omit<CounterInput, 'kind' | 'parentId' | 'code'>>): Promise<Counter> {
  return sql.begin(async (tx) => {
    const counter = await counterInReach(tx, manager, id);
    if (counter.closedAt) throw new ApiError(409, 'counter_closed');
    const [row] = await tx<Counter[]>`
      update offices set name_en = ${input.nameEn ?? counter.nameEn}, name_bn = ${input.nameBn ?? counter.nameBn},
             address = ${input.address ?? counter.address}, pin = ${input.pin ?? counter.pin}, hours = ${input.hours ?? counter.hours}
      where id = ${id} returning ${columns(tx)}`;
    return row!;
  });
}

/** Closing ends the operators' work there: they stay posted (for the record) but the counter prints nothing more. */
export async function closeCounter(sql: Sql, manager: User, id: string, at: Date): Promise<Counter> {
  return sql.begin(async (tx) => {
    const counter = await counterInReach(tx, manager, id);
    if (counter.closedAt) throw new ApiError(409, 'counter_closed');
    const [row] = await tx<Counter[]>`update offices set closed_at = ${at} where id = ${id} returning ${columns(tx)}`;
    return row!;
  });
}

export async function counterDetail(sql: Sql, id: string) {
  const [counter] = await sql<Counter[]>`select ${columns(sql)} from offices where id = ${id} and kind in ('kiosk', 'csc')`;
  if (!counter) throw new ApiError(404, 'not_found');
  const operators = await sql<{ id: string; name: string; deactivatedAt: Date | null }[]>`
    select id, name, deactivated_at from users where office_id = ${id} and role = 'operator' order by name`;
  return { counter, operators };
}

/** Attaching an operator posts them to the counter (an operator works at one counter at a time). */
export async function attachOperator(sql: Sql, manager: User, counterId: string, userId: string, at: Date) {
  return sql.begin(async (tx) => {
    const counter = await counterInReach(tx, manager, counterId);
    if (counter.closedAt) throw new ApiError(409, 'counter_closed');
    const [op] = await tx<{ id: string; officeId: string; districtId: string }[]>`
      select u.id, u.office_id, o.district_id from users u join offices o on o.id = u.office_id
      where u.id = ${userId} and u.role = 'operator' and u.deactivated_at is null for no key update of u`;
    if (!op || (manager.role !== 'admin' && op.districtId !== manager.officeId)) throw new ApiError(400, 'validation', { fields: { userId: 'field.operator' } });
    if (op.officeId === counterId) throw new ApiError(409, 'no_change');
    await tx`update users set office_id = ${counterId} where id = ${userId}`;
    await recordStaffChange(tx, { userId, action: 'attach_counter', fromRole: 'operator', toRole: 'operator', fromOfficeId: op.officeId, toOfficeId: counterId, byUserId: manager.id, at });
    return { userId, counterId };
  });
}

interface PrintableApplication {
  id: string;
  ain: string;
  status: string;
  applicantId: string;
  applicantMobile: string;
  applicantLang: Lang;
  dateOfBirth: string;
  districtId: string;
  certificateNo: string | null;
  revokedAt: Date | null;
  pdfSha256: string | null;
}

/** The operator's open counter, or 403. */
async function operatorCounter(sql: Queryable, operator: User): Promise<Office> {
  const counter = operator.officeId ? await getOffice(sql, operator.officeId) : null;
  if (!counter || (counter.kind !== 'kiosk' && counter.kind !== 'csc') || counter.closedAt) throw new ApiError(403, 'counter_closed');
  return counter;
}

/** The application with an issued, unrevoked certificate of the counter's district; the refusals say which is missing. */
async function printable(sql: Queryable, ain: string, counter: Office): Promise<PrintableApplication> {
  const [app] = await sql<PrintableApplication[]>`
    select a.id::text, a.ain, a.status, a.applicant_id, u.mobile as applicant_mobile, u.lang as applicant_lang,
           a.form->>'dateOfBirth' as date_of_birth, o.district_id, c.certificate_no, c.revoked_at, c.pdf_sha256
    from applications a join users u on u.id = a.applicant_id join offices o on o.id = a.office_id
    left join certificates c on c.application_id = a.id
    where a.ain = ${ain}`;
  if (!app) throw new ApiError(404, 'not_found');
  // A counter serves the applicants of its own district (issue 13): another district's application is not found.
  if (app.districtId !== counter.districtId) throw new ApiError(404, 'not_found');
  if (!app.certificateNo) throw new ApiError(409, 'certificate_not_issued');
  if (app.revokedAt) throw new ApiError(410, 'certificate_revoked');
  return app;
}

const hashCode = (checkId: string, code: string) => createHash('sha256').update(`${checkId}:${code}`).digest();

/**
 * Starts the identity check. By code: a 6-digit code goes to the applicant's registered mobile (sent straight away,
 * never stored in clear) and the check waits for it. By photo ID: the date of birth must match the form, and the ID
 * type and number are recorded with the check, which passes at once.
 */
export async function startIdentityCheck(
  deps: Pick<Deps, 'sql' | 'sms' | 'log'>,
  operator: User,
  input: { ain: string; method: 'otp' } | { ain: string; method: 'photo_id'; dateOfBirth: string; idType: string; idNumber: string },
  at: Date
): Promise<{ checkId: string; verified: boolean; expiresAt: Date; sentTo?: string }> {
  const counter = await operatorCounter(deps.sql, operator);
  const app = await printable(deps.sql, input.ain, counter);
  const expiresAt = new Date(at.getTime() + CHECK_MINUTES * 60_000);
  if (input.method === 'photo_id') {
    if (input.dateOfBirth !== app.dateOfBirth) throw new ApiError(422, 'identity_mismatch', { fields: { dateOfBirth: 'field.identity_mismatch' } });
    const [row] = await deps.sql<{ id: string }[]>`
      insert into counter_identity_checks (application_id, counter_id, operator_id, method, id_type, id_number, created_at, expires_at, verified_at)
      values (${app.id}, ${counter.id}, ${operator.id}, 'photo_id', ${input.idType}, ${input.idNumber.toUpperCase()}, ${at}, ${expiresAt}, ${at})
      returning id`;
    return { checkId: row!.id, verified: true, expiresAt };
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const checkId = randomUUID();
  const [row] = await deps.sql<{ id: string }[]>`
    insert into counter_identity_checks (id, application_id, counter_id, operator_id, method, code_hash, created_at, expires_at)
    values (${checkId}, ${app.id}, ${counter.id}, ${operator.id}, 'otp', ${hashCode(checkId, code).toString('hex')}, ${at}, ${expiresAt})
    returning id`;
  const sms = render('counter_code', app.applicantLang, { password: code, ain: app.ain });
  const sent = await deps.sms.send({ to: app.applicantMobile, text: sms.sms, lang: app.applicantLang, templateId: sms.templateId }, deps.log).catch((err: unknown) => ({ ok: false as const, retry: true, error: String(err) }));
  if (!sent.ok) {
    deps.log.error('counter_code_send_failed', { check: row!.id, reason: sent.error });
    throw new ApiError(409, 'code_not_sent');
  }
  // The operator reads the last digits to the citizen, so they know which phone to look at.
  return { checkId: row!.id, verified: false, expiresAt, sentTo: '******' + app.applicantMobile.slice(-4) };
}

export async function confirmCode(sql: Sql, operator: User, checkId: string, code: string, at: Date): Promise<{ checkId: string; verified: true }> {
  return sql.begin(async (tx) => {
    const [check] = await tx<{ operatorId: string; codeHash: string | null; attempts: number; expiresAt: Date; verifiedAt: Date | null }[]>`
      select operator_id, code_hash, attempts, expires_at, verified_at from counter_identity_checks where id = ${checkId} and method = 'otp' for update`;
    if (!check || check.operatorId !== operator.id) throw new ApiError(404, 'not_found');
    if (check.verifiedAt) return { checkId, verified: true as const };
    if (check.expiresAt <= at || check.attempts >= MAX_CODE_ATTEMPTS) throw new ApiError(410, 'code_expired');
    const given = hashCode(checkId, code);
    const ok = timingSafeEqual(given, Buffer.from(check.codeHash!, 'hex'));
    await tx`update counter_identity_checks set attempts = attempts + 1, verified_at = ${ok ? at : null} where id = ${checkId}`;
    if (!ok) throw new ApiError(422, 'identity_mismatch', { fields: { code: 'field.code_wrong' } });
    return { checkId, verified: true as const };
  });
}

/**
 * Prints after a passed check of the same operator at the same counter, within its time: returns the signed PDF as
 * issued (the same bytes the citizen downloads) and records the print, and an audit event on the application.
 */
export async function printCertificate(deps: Pick<Deps, 'sql' | 'storage'>, operator: User, checkId: string, copies: number, at: Date): Promise<{ pdf: Buffer; certificateNo: string }> {
  return deps.sql.begin(async (sql) => {
    const counter = await operatorCounter(sql, operator);
    const [check] = await sql<{ applicationId: string; counterId: string; operatorId: string; expiresAt: Date; verifiedAt: Date | null; ain: string }[]>`
      select k.application_id::text, k.counter_id, k.operator_id, k.expires_at, k.verified_at, a.ain
      from counter_identity_checks k join applications a on a.id = k.application_id
      where k.id = ${checkId}`;
    if (!check || check.operatorId !== operator.id || check.counterId !== counter.id) throw new ApiError(404, 'not_found');
    if (!check.verifiedAt) throw new ApiError(403, 'identity_not_checked');
    if (check.expiresAt <= at) throw new ApiError(410, 'code_expired');
    const app = await printable(sql, check.ain, counter);
    // Lock the application row so the print and its audit event are in order with any decision on it (NO KEY, as
    // lockApplication does in api/applications/access.ts, so the SLA sweep's writes are not held up).
    const [locked] = await sql<{ status: string }[]>`select status from applications where id = ${app.id} for no key update`;
    await sql`
      insert into certificate_prints (certificate_no, counter_id, operator_id, check_id, copies, printed_at)
      values (${app.certificateNo}, ${counter.id}, ${operator.id}, ${checkId}, ${copies}, ${at})`;
    await appendEvent(sql, {
      applicationId: app.id,
      actorId: operator.id,
      actorRole: 'operator',
      action: 'print_certificate',
      fromStatus: locked!.status,
      toStatus: locked!.status,
      remarks: `${app.certificateNo}: ${copies} ${copies === 1 ? 'copy' : 'copies'} at ${counter.nameEn}`,
      channel: counter.kind,
      at
    });
    const pdf = await deps.storage.get(app.pdfSha256!);
    if (!pdf) throw new Error(`certificate ${app.certificateNo} is missing from storage`);
    return { pdf, certificateNo: app.certificateNo! };
  });
}
