// Read models: the role-scoped list and the detail page of an application.
import { formatAin } from '../../forms/ain.ts';
import type { Sql } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import type { User } from '../users/user.ts';
import { maskAadhaar } from './aadhaar.ts';
import type { ApplicationRow } from './access.ts';
import { listEvents } from './audit.ts';

export interface ListedApplication {
  ain: string;
  status: string;
  applicantName: string;
  channel: string;
  officeId: string;
  submittedAt: Date;
  dueAt: Date;
}

/** What this user may list (DESIGN §3): their own, what they filed, or their jurisdiction. Newest first. */
export async function listApplications(sql: Sql, user: User, limit = 100): Promise<ListedApplication[]> {
  const scope =
    user.role === 'citizen'
      ? sql`(a.applicant_id = ${user.id} or a.filed_by = ${user.id})`
      : user.role === 'operator'
        ? sql`a.filed_by = ${user.id}`
        : user.role === 'bdo'
          ? sql`a.office_id = ${user.officeId}`
          : user.role === 'sdo'
            ? sql`o.subdivision_id = ${user.officeId}`
            : user.role === 'dm'
              ? sql`o.district_id = ${user.officeId}`
              : user.role === 'admin'
                ? sql`true`
                : sql`a.assigned_eo_id = ${user.id}`; // an Enquiry Officer: the enquiries assigned to them
  return sql<ListedApplication[]>`
    select a.ain, a.status, a.applicant_name, a.channel, a.office_id, a.submitted_at, a.due_at
    from applications a join offices o on o.id = a.office_id
    where ${scope}
    order by a.submitted_at desc
    limit ${limit}`;
}

export async function applicationDetail(deps: Pick<Deps, 'sql' | 'aadhaarKeys'>, app: ApplicationRow, reader: User) {
  const { sql } = deps;
  const [documents, events, aadhaar, office] = await Promise.all([
    sql<{ id: string; kind: string; proof: string; mime: string; size: number }[]>`
      select id, kind, proof, mime, size
      from documents where application_id = ${app.id} order by kind, created_at`,
    listEvents(sql, app.id),
    sql<{ last4: string; hmac: string }[]>`select last4, hmac from aadhaar_numbers where application_id = ${app.id}`,
    sql<{ nameEn: string; nameBn: string }[]>`select name_en, name_bn from offices where id = ${app.officeId}`
  ]);
  // DESIGN §7: the same Aadhaar in another open application warns the officer; it never blocks the citizen.
  let duplicateAadhaarIn: string[] = [];
  const isOfficer = !['citizen', 'operator'].includes(reader.role);
  if (isOfficer && aadhaar[0]) {
    duplicateAadhaarIn = (
      await sql<{ ain: string }[]>`
        select a.ain from aadhaar_numbers n join applications a on a.id = n.application_id
        where n.hmac = ${aadhaar[0].hmac} and a.id <> ${app.id} and a.status not in ('approved', 'rejected', 'delivered')
        order by a.submitted_at`
    ).map((r) => r.ain);
  }
  return {
    ain: app.ain,
    assignedEoId: app.assignedEoId,
    ainFormatted: formatAin(app.ain),
    status: app.status,
    version: app.version,
    channel: app.channel,
    office: { id: app.officeId, nameEn: office[0]?.nameEn ?? '', nameBn: office[0]?.nameBn ?? '' },
    submittedAt: app.submittedAt.toISOString(),
    dueAt: app.dueAt.toISOString(),
    applicant: { ...app.form, aadhaar: aadhaar[0] ? maskAadhaar(aadhaar[0].last4) : null },
    documents,
    events: events.map((e) => ({ seq: e.seq, action: e.action, fromStatus: e.fromStatus, toStatus: e.toStatus, actorRole: e.actorRole, remarks: e.remarks, channel: e.channel, at: e.at.toISOString() })),
    duplicateAadhaarIn
  };
}

