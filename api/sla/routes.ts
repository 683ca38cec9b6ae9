// Holidays (the administrator's page), the SLA rules, and the higher offices' view of breaches and escalations
// (seed feature 7: "alert for Higher Office to monitor online").
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { freeText, identifier, multilineText } from '../../shared/text.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, isoDay, jsonBody, serviceDay } from '../http/schemas.ts';
import { blocksCovered, districtsOf } from '../offices/offices.ts';
import { kolkataDate } from '../time.ts';
import { acknowledgeBreach, breachesOf } from './escalations.ts';
import { addHoliday, listHolidays, removeHoliday } from './holidays.ts';
import { listSlaRules, slaSteps } from './rules.ts';
import { handOverCandidates, takeOver } from './takeover.ts';


const holiday = z.object({ day: z.string(), name: z.string(), source: z.string() }).openapi('Holiday');
const breach = z
  .object({
    id: z.string(),
    ain: z.string(),
    officeId: z.string(),
    districtId: z.string().openapi({ description: 'The district of the block (issue 15: the state officer sees every district)' }),
    step: z.enum(['scrutiny', 'enquiry', 'approval']),
    level: z.enum(['responsible', 'l1']),
    dueAt: z.string(),
    detectedAt: z.string(),
    escalatedTo: z.enum(['bdo', 'sdo', 'dm']),
    status: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    comment: z.string().nullable(),
    takenOverAt: z.string().nullable().openapi({ description: 'When the DM took the application over (issue 13)' }),
    handledBy: z.string().nullable().openapi({ description: 'Who holds it since: the DM or the officer he named' })
  })
  .openapi('Breach');

export function slaRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/holidays',
      tags: ['sla'],
      summary: 'Holidays of a year (Sundays are not listed: they are never working days)',
      request: { query: z.object({ year: z.coerce.number().int().min(2000, 'field.year').max(2100, 'field.year').optional() }) },
      responses: { 200: { description: 'Holidays', content: { 'application/json': { schema: z.object({ year: z.number(), holidays: z.array(holiday) }) } } }, ...errorResponses(400) }
    }),
    async (c) => {
      const year = c.req.valid('query').year ?? Number(kolkataDate(deps.clock.now()).slice(0, 4));
      return c.json({ year, holidays: await listHolidays(deps.sql, year) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/holidays',
      tags: ['sla'],
      summary: 'The administrator adds a holiday (the state notified list: Durga Puja, Kali Puja, Eid …)',
      middleware: [requirePermission('holidays:manage')] as const,
      request: { body: jsonBody(z.object({ day: serviceDay, name: freeText(2, 100, 'field.holiday_name') })) },
      responses: { 201: { description: 'Added', content: { 'application/json': { schema: holiday } } }, ...errorResponses(400, 401, 403, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const { day, name } = c.req.valid('json');
      const row = await addHoliday(deps.sql, { day, name }, user.id);
      if (!row) throw new ApiError(409, 'holiday_exists', { fields: { day: 'field.holiday_exists' } });
      c.var.deps.log.info('holiday_added', { by: user.id });
      return c.json(row, 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/holidays/{day}',
      tags: ['sla'],
      summary: 'The administrator removes a holiday. Due dates already set stay as they were.',
      middleware: [requirePermission('holidays:manage')] as const,
      request: { params: z.object({ day: isoDay }) },
      responses: { 204: { description: 'Removed' }, ...errorResponses(400, 401, 403, 404) }
    }),
    async (c) => {
      if (!(await removeHoliday(deps.sql, c.req.valid('param').day))) throw new ApiError(404, 'not_found');
      return c.body(null, 204);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sla/rules',
      tags: ['sla'],
      summary: 'The service levels of seed §C: days from submission for each step, and its L1 escalation',
      responses: {
        200: {
          description: 'Rules',
          content: {
            'application/json': {
              // The roles and steps sla_rules' check constraints allow (migration 007), as SlaRule names them.
              schema: z.object({
                rules: z.array(z.object({ step: z.enum(slaSteps), responsibleRole: z.enum(['bdo', 'eo']), dueDays: z.number(), l1Role: z.enum(['bdo', 'sdo', 'dm']), l1DueDays: z.number() }))
              })
            }
          }
        }
      }
    }),
    async (c) => {
      return c.json({ rules: await listSlaRules(deps.sql) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sla/escalations',
      tags: ['sla'],
      summary: 'Live breaches in the caller jurisdiction, by block, and the breaches themselves (optionally of one block)',
      description:
        'The state officer sees every district (issue 15; `district` narrows to one), the DM the district, the SDO the subdivision; a BDO sees the enquiries of the block that missed their time (the BDO is their L1). A breach is live while its application is still in that step.',
      middleware: [requirePermission('escalations:read')] as const,
      request: {
        query: z.object({
          // Issue 15: the state officer sees every district, and narrows to one.
          district: identifier('field.office').optional(),
          office: identifier('field.office').optional(),
          all: z.enum(['0', '1']).optional()
        })
      },
      responses: {
        200: {
          description: 'Escalations',
          content: {
            'application/json': {
              schema: z.object({
                blocks: z.array(z.object({ officeId: z.string(), districtId: z.string(), nameEn: z.string(), nameBn: z.string(), live: z.number(), l1: z.number(), unacknowledged: z.number() })),
                // The districts of those blocks with their totals: one for a DM, every district for the state officer.
                districts: z.array(z.object({ officeId: z.string(), nameEn: z.string(), nameBn: z.string(), live: z.number(), l1: z.number(), unacknowledged: z.number() })),
                breaches: z.array(breach),
                // For the DM: the officers an application can be handed to (issue 13).
                handOverTo: z.array(z.object({ id: z.string(), name: z.string(), role: z.string(), officeName: z.string() }))
              })
            }
          }
        },
        ...errorResponses(400, 401, 403)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const { district, office, all } = c.req.valid('query');
      const covered = await blocksCovered(deps.sql, user);
      const blocks = covered.filter((b) => (!district || b.districtId === district) && (!office || b.id === office));
      if ((district || office) && blocks.length === 0) throw new ApiError(403, 'office_out_of_reach');
      const ids = blocks.map((b) => b.id);
      c.header('Cache-Control', 'no-store');
      if (ids.length === 0) return c.json({ blocks: [], districts: [], breaches: [], handOverTo: [] }, 200);
      const [{ counts, breaches: rows }, handOverTo, districts] = await Promise.all([
        breachesOf(deps.sql, user, ids, all === '1'),
        handOverCandidates(deps.sql, user),
        districtsOf(deps.sql, blocks)
      ]);
      const byOffice = new Map(counts.map((r) => [r.officeId, r]));
      const blockRows = blocks.map((b) => ({ officeId: b.id, districtId: b.districtId, nameEn: b.nameEn, nameBn: b.nameBn, live: byOffice.get(b.id)?.live ?? 0, l1: byOffice.get(b.id)?.l1 ?? 0, unacknowledged: byOffice.get(b.id)?.unacknowledged ?? 0 }));
      const districtOf = new Map(blocks.map((b) => [b.id, b.districtId]));
      const sum = (d: string, k: 'live' | 'l1' | 'unacknowledged') => blockRows.filter((b) => b.districtId === d).reduce((n, b) => n + b[k], 0);
      return c.json(
        {
          blocks: blockRows,
          districts: districts.map((d) => ({ officeId: d.id, nameEn: d.nameEn, nameBn: d.nameBn, live: sum(d.id, 'live'), l1: sum(d.id, 'l1'), unacknowledged: sum(d.id, 'unacknowledged') })),
          breaches: rows.map((r) => ({ ...r, districtId: districtOf.get(r.officeId)!, dueAt: r.dueAt.toISOString(), detectedAt: r.detectedAt.toISOString(), acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null, takenOverAt: r.takenOverAt?.toISOString() ?? null })),
          handOverTo
        },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sla/breaches/{id}/acknowledge',
      tags: ['sla'],
      summary: 'The officer a breach was escalated to (or the DM) acknowledges it, saying what is being done',
      middleware: [requirePermission('escalations:read')] as const,
      request: {
        params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'field.id') }),
        body: jsonBody(z.object({ comment: multilineText(5, 1000, 'field.remarks') }))
      },
      responses: { 200: { description: 'Acknowledged', content: { 'application/json': { schema: z.object({ id: z.string(), acknowledgedAt: z.string() }) } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const { id } = c.req.valid('param');
      const { comment } = c.req.valid('json');
      const now = deps.clock.now();
      await acknowledgeBreach(deps.sql, user, id, comment, now);
      c.var.deps.log.info('breach_acknowledged', { id, by: user.id });
      return c.json({ id, acknowledgedAt: now.toISOString() }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sla/breaches/{id}/take-over',
      tags: ['sla'],
      summary: 'The DM takes over a late scrutiny or decision: decides it himself, or hands it to an acting officer (issue 13)',
      description:
        'Without `handTo` the DM holds the BDO\'s powers on the application and decides it on its page (approve with his own signature, reject, send back); with `handTo` the named BDO or SDO of the district does. Recorded on the breach and as a take_over event "taken over on escalation".',
      middleware: [requirePermission('escalations:read')] as const,
      request: {
        params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'field.id') }),
        body: jsonBody(z.object({ handTo: identifier('field.acting_officer').optional(), remarks: multilineText(5, 1000, 'field.remarks') }))
      },
      responses: {
        200: { description: 'Taken over', content: { 'application/json': { schema: z.object({ ain: z.string(), version: z.number(), handlerId: z.string() }) } } },
        ...errorResponses(400, 401, 403, 404, 409, 415)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      return c.json(await takeOver(c.var.deps, user, c.req.valid('param').id, c.req.valid('json'), deps.clock.now()), 200);
    }
  );

  return app;
}
