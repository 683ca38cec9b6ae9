// Public tracking (seed section B; DESIGN §6): status, office, last change, next due date and a masked name, for
// anyone holding the AIN. Nothing else: the AIN is printed on paper and sent by SMS, so it is not a secret.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { formatAin } from '../../shared/ain.ts';
import type { Deps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { perClientLimit } from '../http/rate-limit.ts';
import { errorResponses } from '../http/schemas.ts';
import { ainFromPath } from './routes.ts';
import type { Queryable } from '../db/connect.ts';
import { isOpen } from '../../shared/workflow.ts';
import { statuses, type Status } from './workflow.ts';

const trackSchema = z
  .object({
    ain: z.string().openapi({ example: '26 11 002 000001 7' }),
    status: z.enum(statuses),
    office: z.object({ nameEn: z.string(), nameBn: z.string() }),
    lastChangeAt: z.string(),
    nextDueAt: z.string().nullable(),
    applicantName: z.string().openapi({ example: 'R*** D***' })
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
  ain: string;
  status: Status;
  nameEn: string;
  nameBn: string;
  updatedAt: Date;
  dueAt: Date;
  applicantName: string;
}

export async function findPublicStatus(sql: Queryable, ain: string): Promise<PublicStatus | null> {
  const [row] = await sql<PublicStatus[]>`
    select a.ain, a.status, o.name_en, o.name_bn, a.updated_at, a.due_at, a.applicant_name
    from applications a join offices o on o.id = a.office_id
    where a.ain = ${ain}`;
  return row ?? null;
}

/** The latest applications of the citizen whose account has this mobile number (USSD "my applications"). */
export async function recentApplicationsOfMobile(sql: Queryable, mobile: string, limit = 3): Promise<PublicStatus[]> {
  // LATERAL keeps it to the newest few rows of applications_applicant, however many the citizen has filed; a plain
  // join would sort all of them first (114 ms for 100,000 in test/bench/ussd.ts, against 0.1 ms this way).
  return sql<PublicStatus[]>`
    select a.ain, a.status, o.name_en, o.name_bn, a.updated_at, a.due_at, a.applicant_name
    from users u
    cross join lateral (
      select * from applications where applicant_id = u.id order by submitted_at desc limit ${limit}
    ) a
    join offices o on o.id = a.office_id
    where u.mobile = ${mobile}
    order by a.submitted_at desc`;
}

export function trackRoutes(deps: Deps) {
  const app = new OpenAPIHono<ApiEnv>();
  const limit = perClientLimit(deps);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/track/{ain}',
      middleware: [limit] as const,
      tags: ['public'],
      summary: 'Public status of an application by AIN (spaces and dashes allowed)',
      request: { params: z.object({ ain: z.string().max(40) }) },
      responses: { 200: { description: 'Status', content: { 'application/json': { schema: trackSchema } } }, ...errorResponses(400, 404, 429) }
    }),
    async (c) => {
      const ain = ainFromPath(c.req.valid('param').ain);
      const row = await findPublicStatus(deps.sql, ain);
      if (!row) throw new ApiError(404, 'ain_unknown');
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          ain: formatAin(ain),
          status: row.status,
          office: { nameEn: row.nameEn, nameBn: row.nameBn },
          lastChangeAt: row.updatedAt.toISOString(),
          nextDueAt: isOpen(row.status) ? row.dueAt.toISOString() : null,
          applicantName: maskName(row.applicantName)
        },
        200
      );
    }
  );
  return app;
}
