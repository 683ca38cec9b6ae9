// Read models: the role-scoped list and the detail page of an application, each with the schema the route declares
// for it, so the OpenAPI document (and the PWA's types generated from it) says exactly what these functions answer.
import { z } from '@hono/zod-openapi';
import { applicantSchema, documentKinds, type Applicant } from '../../shared/application.ts';
import { rejectionReasons } from '../../shared/decision.ts';
import { formatAin } from '../../shared/ain.ts';
import type { Sql } from '../db/connect.ts';
import type { Office } from '../offices/offices.ts';
import type { Deps } from '../deps.ts';
import type { User } from '../users/user.ts';
import { maskAadhaar } from './aadhaar.ts';
import type { ApplicationRow } from './access.ts';
import { standingOf } from './act.ts';
import { heldThroughChargeSql, processingOf } from './authority.ts';
import { appealOut, appealSchema, appealsOf } from '../appeals/appeals.ts';
import { listEvents } from './audit.ts';
import { actions, availableActions, openStatuses, statuses, type Status } from './workflow.ts';
import { coveredSql } from '../offices/jurisdiction.ts';

const channels = ['web', 'kiosk', 'csc'] as const satisfies readonly ApplicationRow['channel'][];

export interface ListedApplication {
  ain: string;
  status: Status;
  applicantName: string;
  channel: ApplicationRow['channel'];
  officeId: string;
  submittedAt: Date;
  /** For officers, when the step the application waits in is due (DESIGN §5); for citizens, the decision expected by. */
  dueAt: Date;
}

/**
 * What this user may list (DESIGN §3): their own, what they filed, or their jurisdiction. Citizens and counters see
 * the newest first; officers see a work queue: open applications first, the one due soonest at the top.
 */
export async function listApplications(sql: Sql, user: User, at: Date, filter: { status?: string } = {}, limit = 200): Promise<ListedApplication[]> {
  // What each may list is what each may open (api/authz.ts canReadApplication): officers their jurisdiction; an
  // Enquiry Officer the enquiries assigned to them where they are still posted (a transferred EO leaves them with
  // the office); citizens and operators what they filed.
  const scope =
    user.role === 'citizen'
      ? sql`(a.applicant_id = ${user.id} or a.filed_by = ${user.id})`
      : user.role === 'operator'
        ? sql`a.filed_by = ${user.id}`
        : user.role === 'eo'
          ? sql`(a.assigned_eo_id = ${user.id} and (o.id = ${user.officeId} or o.subdivision_id = ${user.officeId}))`
          : coveredSql(sql, user);
  // Issue 13: an officer on acting charge sees that office's queue (or the absent EO's enquiries) while the charge
  // lasts, and one to whom the DM handed an application sees it.
  const acting = ['citizen', 'operator', 'state', 'admin'].includes(user.role) ? sql`` : sql`or a.handler_id = ${user.id} or ${heldThroughChargeSql(sql, user.id, at)}`;
  const queue = !['citizen', 'operator'].includes(user.role);
  const due = queue ? sql`coalesce(a.step_due_at, a.due_at)` : sql`a.due_at`;
  return sql<ListedApplication[]>`
    select a.ain, a.status, a.applicant_name, a.channel, a.office_id, a.submitted_at, ${due} as due_at
    from applications a join offices o on o.id = a.office_id
    where (${scope} ${acting}) ${filter.status ? sql`and a.status = ${filter.status}` : sql``}
    order by ${queue ? sql`a.status not in ${sql([...openStatuses])}, ${due}` : sql`a.submitted_at desc`}
    limit ${limit}`;
}

export const listedApplicationSchema = z
  .object({
    ain: z.string(),
    status: z.enum(statuses),
    applicantName: z.string(),
    channel: z.enum(channels),
    officeId: z.string(),
    submittedAt: z.string(),
    dueAt: z.string()
  })
  .openapi('ListedApplication');

/** The form as submit.ts and resubmit.ts store it: the applicant's answers as validated, without the Aadhaar number. */
type StoredForm = Omit<Applicant, 'aadhaar'>;
const { aadhaar: _sealed, ...storedForm } = applicantSchema.shape;

const historyEntrySchema = z.object({
  seq: z.number(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  actorRole: z.string(),
  channel: z.string().nullable(),
  at: z.string(),
  reason: z.enum(rejectionReasons).nullable(),
  recommendation: z.string().nullable(),
  certificateNo: z.string().nullable(),
  changes: z.array(z.string()).nullable(),
  remarks: z.string().nullable(),
  capacity: z.string().nullable()
});

export const applicationDetailSchema = z
  .object({
    ain: z.string(),
    assignedEoId: z.string().nullable(),
    ainFormatted: z.string(),
    status: z.enum(statuses),
    version: z.number(),
    channel: z.enum(channels),
    office: z.object({ id: z.string(), nameEn: z.string(), nameBn: z.string() }),
    submittedAt: z.string(),
    dueAt: z.string(),
    applicant: z.object({ ...storedForm, aadhaar: z.string().nullable().openapi({ description: 'Masked: only the last 4 digits show' }) }),
    /** The form's documents and those filed with an appeal; field photos are under their report. */
    documents: z.array(z.object({ id: z.string(), kind: z.enum([...documentKinds, 'appeal']), proof: z.string(), mime: z.string(), size: z.number() })),
    decision: z.object({ code: z.string().nullable(), remarks: z.string().nullable() }).nullable(),
    reports: z.array(
      z.object({
        id: z.string(),
        eoName: z.string(),
        visitedAt: z.string(),
        submittedAt: z.string(),
        findings: z.string(),
        recommendation: z.string(),
        position: z.object({ latitude: z.number(), longitude: z.number(), accuracy: z.number().nullable() }).nullable(),
        locationNote: z.string().nullable(),
        photos: z.array(z.object({ id: z.string(), mime: z.string(), size: z.number() }))
      })
    ),
    certificate: z.object({ certificateNo: z.string(), issuedAt: z.string(), revokedAt: z.string().nullable(), revokeReason: z.string().nullable() }).nullable(),
    actions: z.array(z.enum(actions)),
    enquiryOfficers: z.array(z.object({ id: z.string(), name: z.string() })),
    otherApplications: z.array(z.object({ ain: z.string(), status: z.enum(statuses), submittedAt: z.string() })),
    events: z.array(historyEntrySchema),
    duplicateAadhaarIn: z.array(z.string()),
    appeals: z.array(appealSchema),
    mayAppeal: z.boolean()
  })
  .openapi('ApplicationDetail');

export type ApplicationDetail = z.infer<typeof applicationDetailSchema>;

export async function applicationDetail(deps: Pick<Deps, 'sql' | 'aadhaarKeys' | 'clock'>, app: ApplicationRow & { office: Office }, reader: User): Promise<ApplicationDetail> {
  const { sql } = deps;
  const isOfficer = !['citizen', 'operator'].includes(reader.role);
  // Who holds the BDO's powers here: the block's BDO, the SDO of a municipal area, an acting officer, a handler.
  const standing = await standingOf(sql, reader, app, deps.clock.now());
  const processing = await processingOf(sql, app.officeId);
  const appeals = await appealsOf(sql, app.id);
  const [documents, events, aadhaar, reports, certificate, duplicateAadhaarIn, otherApplications, enquiryOfficers] = await Promise.all([
    sql<{ id: string; kind: (typeof documentKinds)[number] | 'field_photo' | 'appeal'; proof: string; mime: string; size: number; reportId: string | null }[]>`
      select id, kind, proof, mime, size, report_id
      from documents where application_id = ${app.id} and replaced_at is null order by kind, created_at`,
    listEvents(sql, app.id),
    sql<{ last4: string }[]>`select last4 from aadhaar_numbers where application_id = ${app.id}`,
    sql<Report[]>`
      select r.id, u.name as eo_name, r.visited_at, r.findings, r.recommendation, r.latitude, r.longitude, r.accuracy_m, r.location_note, r.submitted_at
      from enquiry_reports r join users u on u.id = r.eo_id
      where r.application_id = ${app.id} order by r.submitted_at desc`,
    sql<{ certificateNo: string; issuedAt: Date; revokedAt: Date | null; revokeReason: string | null }[]>`
      select certificate_no, issued_at, revoked_at, revoke_reason from certificates where application_id = ${app.id}`,
    // DESIGN §7: the same Aadhaar in another application still in progress warns the officer; it never blocks.
    isOfficer
      ? sql<{ ain: string }[]>`
          select a.ain from aadhaar_numbers n join applications a on a.id = n.application_id
          where n.hmac = (select hmac from aadhaar_numbers where application_id = ${app.id})
            and a.id <> ${app.id} and a.status not in ('approved', 'rejected', 'delivered')
          order by a.submitted_at`
      : [],
    // For the BDO's scrutiny (seed step 3): the applicant's other applications, and who can take the enquiry.
    isOfficer
      ? sql<{ ain: string; status: Status; submittedAt: Date }[]>`
          select ain, status, submitted_at from applications where applicant_id = ${app.applicantId} and id <> ${app.id} order by submitted_at desc limit 10`
      : [],
    standing.isBlockBdo
      ? sql<{ id: string; name: string }[]>`
          select id, name from users where role = 'eo' and office_id = ${processing.officeId} and deactivated_at is null order by name`
      : []
  ]);
  const photos = documents.filter((d) => d.kind === 'field_photo');
  return {
    ain: app.ain,
    // Officers' user IDs are for officers (the BDO reassigns by them); a citizen or a counter learns no one's login.
    assignedEoId: isOfficer ? app.assignedEoId : null,
    ainFormatted: formatAin(app.ain),
    status: app.status,
    version: app.version,
    channel: app.channel,
    office: { id: app.officeId, nameEn: app.office.nameEn, nameBn: app.office.nameBn },
    submittedAt: app.submittedAt.toISOString(),
    dueAt: app.dueAt.toISOString(),
    applicant: { ...(app.form as StoredForm), aadhaar: aadhaar[0] ? maskAadhaar(aadhaar[0].last4) : null },
    documents: documents.flatMap(({ reportId: _, kind, ...d }) => (kind === 'field_photo' ? [] : [{ ...d, kind }])),
    // What the citizen's side sees of a decision: a rejection's reason and remarks, a send-back's remarks. An
    // approval's recorded reason is the officers' (DESIGN §12).
    decision:
      (app.decisionCode || app.decisionRemarks) && (isOfficer || app.status === 'rejected' || app.status === 'sent_back')
        ? { code: app.decisionCode, remarks: app.decisionRemarks }
        : null,
    // The Enquiry Officer's report (findings, neighbours, photos, position, recommendation) stays with the officers
    // until and after the BDO decides; the citizen hears the decision and its reasons.
    reports: (isOfficer ? reports : []).map((r) => ({
      id: r.id,
      eoName: r.eoName,
      visitedAt: r.visitedAt.toISOString(),
      submittedAt: r.submittedAt.toISOString(),
      findings: r.findings,
      recommendation: r.recommendation,
      position: r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude, accuracy: r.accuracyM } : null,
      locationNote: r.locationNote,
      photos: photos.filter((p) => p.reportId === r.id).map((p) => ({ id: p.id, mime: p.mime, size: p.size }))
    })),
    certificate: certificate[0]
      ? { certificateNo: certificate[0].certificateNo, issuedAt: certificate[0].issuedAt.toISOString(), revokedAt: certificate[0].revokedAt?.toISOString() ?? null, revokeReason: certificate[0].revokeReason }
      : null,
    actions: availableActions(app, standing),
    enquiryOfficers,
    otherApplications: otherApplications.map((o) => ({ ain: o.ain, status: o.status, submittedAt: o.submittedAt.toISOString() })),
    events: events.map((e) => ({ ...historyEntry(e, isOfficer), capacity: e.capacity ?? null })),
    duplicateAadhaarIn: duplicateAadhaarIn.map((r) => r.ain),
    // Appeals under the RTPS Act (issue 13), and whether this reader is one who may file one now.
    appeals: appeals.map(appealOut),
    mayAppeal: standing.isOwner && (reader.role === 'citizen' || reader.role === 'operator')
  };
}

interface Report {
  id: string;
  eoName: string;
  visitedAt: Date;
  findings: string;
  recommendation: string;
  latitude: number | null;
  longitude: number | null;
  accuracyM: number | null;
  locationNote: string | null;
  submittedAt: Date;
}

/**
 * One line of the history, in parts the page can put into words in the reader's language (DESIGN §12): the audit
 * trail keeps "not_resident: …", "recommend" or "ORC-…: …" as one text. The citizen's side gets the remarks meant
 * for it (a send-back's, a rejection's with its reason); the enquiry's recommendation and the officers' own
 * remarks stay with the officers.
 */
export function historyEntry(e: { seq: number; action: string; fromStatus: string | null; toStatus: string; actorRole: string; remarks: string | null; channel: string | null; at: Date }, isOfficer: boolean) {
  const [head, ...rest] = (e.remarks ?? '').split(': ');
  const tail = rest.join(': ') || null;
  let reason: (typeof rejectionReasons)[number] | null = null;
  let recommendation: string | null = null;
  let certificateNo: string | null = null;
  let changes: string[] | null = null;
  let remarks = e.remarks;
  const isReason = (v: string | undefined): v is (typeof rejectionReasons)[number] => !!v && (rejectionReasons as readonly string[]).includes(v);
  if (e.action === 'reject' && isReason(head)) [reason, remarks] = [head, tail];
  else if (e.action === 'submit_report') [recommendation, remarks] = [e.remarks, null];
  else if ((e.action === 'approve' || e.action === 'revoke_certificate') && head?.startsWith('ORC-')) [certificateNo, remarks] = [head, tail];
  else if (e.action === 'resubmit') [changes, remarks] = [e.remarks?.startsWith('changed: ') ? e.remarks.slice(9).split(', ') : [], null];
  const forCitizen = e.action === 'send_back' || e.action === 'reject';
  return {
    seq: e.seq,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actorRole: e.actorRole,
    channel: e.channel,
    at: e.at.toISOString(),
    reason,
    recommendation: isOfficer ? recommendation : null,
    certificateNo,
    changes,
    remarks: isOfficer || forCitizen ? remarks : null
  };
}
