// Public tracking (seed section B; DESIGN §6): status, office, last change, next due date and a masked name, for
// anyone holding the AIN. Nothing else: the AIN is printed on paper and sent by SMS, so it is not a secret.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { formatAin } from '../../shared/ain.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError, pathParams } from '../http/errors.ts';
import { setResponseHeader } from '../http/middleware.ts';
import { perClientCheck } from '../http/rate-limit.ts';
import { errorResponses } from '../http/schemas.ts';
import { ainFromPath } from './routes.ts';
import type { Queryable } from '../db/connect.ts';
import { isOpen } from '../../shared/workflow.ts';
import { statuses, type Status } from './workflow.ts';
import { isMessageKey, translate, type Lang, type MessageKey } from '../../i18n/index.ts';

const trackSchema = z
  .object({
    ain: z.string().openapi({ example: '26 11 002 000001 7' }),
    /** "revoked" once the District Magistrate has revoked the certificate, whatever the application's own status. */
    status: z.enum([...statuses, 'revoked']),
    office: z.object({ nameEn: z.string(), nameBn: z.string() }),
    lastChangeAt: z.string(),
    /** The decision expected by, while the application waits on an officer. */
    nextDueAt: z.string().nullable(),
    applicantName: z.string().openapi({ example: 'R*** D***' }),
    /** A rejection's coded reason, its words in the reader's language, and the officer's remarks. */
    reason: z.object({ code: z.string(), text: z.string() }).nullable(),
    /** What the BDO wrote to the citizen: the send-back's remarks, or the rejection's. */
    remarks: z.string().nullable(),
    decidedAt: z.string().nullable(),
    revokedAt: z.string().nullable()
  })
  .openapi('Tracking');

/**
 * "Rina Das" → "R*** D***": enough to recognise one's own application, not enough to learn a stranger's name. Every
 * word gets the same three stars whatever its length: "R*** D**" told a guesser that the surname has three letters.
 */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0]}***`)
    .join(' ');
}

/** What anyone holding an AIN may know about it: here, by SMS and by USSD alike. */
export interface PublicStatus {
  /** The row's id, never shown: an SMS reply about the application is queued behind its other messages (outbox.ts). */
  applicationId: string;
  ain: string;
  status: Status;
  nameEn: string;
  nameBn: string;
  updatedAt: Date;
  dueAt: Date;
  applicantName: string;
  /** The rejection's code, and the remarks of a rejection or a send-back: meant for the citizen (DESIGN §12). */
  decisionCode: string | null;
  decisionRemarks: string | null;
  decidedAt: Date | null;
  certificateNo: string | null;
  revokedAt: Date | null;
}

/** What every channel calls the application's state: a revoked certificate reads "revoked" everywhere. */
export type PublicState = Status | 'revoked';
export function publicState(a: Pick<PublicStatus, 'status' | 'revokedAt'>): PublicState {
  return a.revokedAt ? 'revoked' : a.status;
}

/** The date the citizen is told beside the state: of the revocation, the decision, or the last change. */
export function stateDate(a: PublicStatus): Date {
  return a.revokedAt ?? (a.status === 'rejected' || a.status === 'approved' ? (a.decidedAt ?? a.updatedAt) : a.updatedAt);
}

// Remarks are shown only with the state they explain: a send-back's while it is sent back, a rejection's once rejected.
const publicColumns = (sql: Queryable) => sql`
  a.id::text as application_id, a.ain, a.status, o.name_en, o.name_bn, a.updated_at, a.due_at, a.applicant_name,
  case when a.status = 'rejected' then a.decision_code end as decision_code,
  case when a.status in ('rejected', 'sent_back') then a.decision_remarks end as decision_remarks,
  a.decided_at, c.certificate_no, c.revoked_at`;

export async function findPublicStatus(sql: Queryable, ain: string): Promise<PublicStatus | null> {
  const [row] = await sql<PublicStatus[]>`
    select ${publicColumns(sql)}
    from applications a
    -- One office by its key. As a plain join the planner, seeing a small table, read all offices and hashed them on
    -- every lookup; "offset 0" keeps the subquery apart, so it reads only the row named (test/bench/track.ts).
    cross join lateral (select name_en, name_bn from offices where id = a.office_id offset 0) o
    left join certificates c on c.application_id = a.id
    where a.ain = ${ain}`;
  return row ?? null;
}

/** The latest applications of the citizen whose account has this mobile number (USSD "my applications"). */
export async function recentApplicationsOfMobile(sql: Queryable, mobile: string, limit = 3): Promise<PublicStatus[]> {
  // LATERAL keeps it to the newest few rows of applications_applicant, however many the citizen has filed; a plain
  // join would sort all of them first (114 ms for 100,000 in test/bench/ussd.ts, against 0.1 ms this way).
  return sql<PublicStatus[]>`
    select ${publicColumns(sql)}
    from users u
    cross join lateral (
      select * from applications where applicant_id = u.id order by submitted_at desc limit ${limit}
    ) a
    join offices o on o.id = a.office_id
    left join certificates c on c.application_id = a.id
    where u.mobile = ${mobile}
    order by a.submitted_at desc`;
}

/** The tracking answer for one application, typed by the documented schema as app.openapi() would check it. */
export function trackingAnswer(row: PublicStatus, lang: Lang): z.infer<typeof trackSchema> {
  return {
    ain: formatAin(row.ain),
    status: publicState(row),
    office: { nameEn: row.nameEn, nameBn: row.nameBn },
    lastChangeAt: row.updatedAt.toISOString(),
    nextDueAt: isOpen(row.status) ? row.dueAt.toISOString() : null,
    applicantName: maskName(row.applicantName),
    reason: row.decisionCode ? { code: row.decisionCode, text: isMessageKey(`reason.${row.decisionCode}`) ? translate(lang, `reason.${row.decisionCode}` as MessageKey) : row.decisionCode } : null,
    remarks: row.decisionRemarks,
    decidedAt: row.decidedAt && (row.status === 'approved' || row.status === 'rejected' || row.status === 'delivered') ? row.decidedAt.toISOString() : null,
    revokedAt: row.revokedAt?.toISOString() ?? null
  };
}

const trackRoute = createRoute({
  method: 'get',
  path: '/track/{ain}',
  tags: ['public'],
  summary: 'Public status of an application by AIN (spaces and dashes allowed)',
  request: { params: z.object({ ain: z.string().max(40) }) },
  responses: { 200: { description: 'Status', content: { 'application/json': { schema: trackSchema } } }, ...errorResponses(400, 404, 429) }
});

export function trackRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();
  const overLimit = perClientCheck(deps);

  // The busiest public route, so it is described to OpenAPI as app.openapi() would and served by a plain route
  // whose AIN is checked by pathParams() (the same schema and 400): app.openapi()'s validator reads the request's
  // Content-Type (which builds the fetch Headers) and parses asynchronously, three more promises and a layer of
  // the middleware chain for a 40-character string (test/bench/track.ts).
  app.openAPIRegistry.registerPath(trackRoute);
  app.get('/track/:ain', async (c) => {
    overLimit(c);
    const ain = ainFromPath(pathParams(c, trackRoute.request.params).ain);
    const row = await findPublicStatus(deps.sql, ain);
    if (!row) throw new ApiError(404, 'ain_unknown');
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json(trackingAnswer(row, c.get('lang')), 200);
  });
  return app;
}
