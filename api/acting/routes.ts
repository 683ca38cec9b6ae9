// Acting charge (issue 13 item 2): the superior assigns, lists and ends; the rules live in charges.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { RouteDeps } from '../deps.ts';
import { identifier, multilineText } from '../../shared/text.ts';
import type { ApiEnv } from '../http/env.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, jsonBody, serviceDay } from '../http/schemas.ts';
import { assignCharge, endCharge, listCharges, type Charge } from './charges.ts';
import { kolkataDate } from '../time.ts';

const charge = z
  .object({
    id: z.string(),
    officeId: z.string(),
    officeName: z.string(),
    role: z.enum(['bdo', 'eo', 'sdo']),
    absentUserId: z.string().nullable(),
    actingUserId: z.string(),
    actingName: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    reason: z.string(),
    endedAt: z.string().nullable()
  })
  .openapi('ActingCharge');

const out = (c: Charge) => ({ ...c, endedAt: c.endedAt?.toISOString() ?? null });

export function actingRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/acting-charges',
      tags: ['staff'],
      summary: 'The superior names an officer to act for an absent BDO, EO or SDO for a date range (Kolkata dates, both included)',
      middleware: [requirePermission('acting:assign')] as const,
      request: {
        body: jsonBody(
          z.object({
            officeId: identifier('field.office'),
            role: z.enum(['bdo', 'eo', 'sdo'], 'field.role'),
            absentUserId: identifier('field.absent_officer').optional().openapi({ description: "For an EO's charge: the EO on leave" }),
            actingUserId: identifier('field.acting_officer'),
            startsOn: serviceDay,
            endsOn: serviceDay,
            reason: multilineText(5, 500, 'field.remarks')
          })
        )
      },
      responses: { 201: { description: 'Assigned', content: { 'application/json': { schema: charge } } }, ...errorResponses(400, 401, 403, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const result = await assignCharge(deps.sql, user, c.req.valid('json'), deps.clock.now());
      c.var.deps.log.info('acting_charge_assigned', { id: result.id, by: user.id });
      return c.json(out(result), 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/acting-charges',
      tags: ['staff'],
      summary: "Acting charges not yet run out: the superior's jurisdiction, or an officer's own",
      responses: {
        200: {
          description: "Charges, and the server's Kolkata day they are judged by",
          content: { 'application/json': { schema: z.object({ charges: z.array(charge), today: z.string().openapi({ example: '2026-12-01' }) }) } }
        },
        ...errorResponses(401)
      }
    }),
    async (c) => {
      const { user } = currentUser(c);
      c.header('Cache-Control', 'no-store');
      const now = deps.clock.now();
      // The form's days start from the server's today, which decides whether a charge has begun or run out, not from
      // the phone's clock, which may be wrong (or, in development, behind a clock moved forward).
      return c.json({ charges: (await listCharges(deps.sql, user, now)).map(out), today: kolkataDate(now) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/acting-charges/{id}/end',
      tags: ['staff'],
      summary: 'The superior ends a charge early (the absent officer is back)',
      middleware: [requirePermission('acting:assign')] as const,
      request: { params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'field.id') }) },
      responses: { 200: { description: 'Ended', content: { 'application/json': { schema: charge } } }, ...errorResponses(400, 401, 403, 404, 409) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      return c.json(out(await endCharge(deps.sql, user, c.req.valid('param').id, deps.clock.now())), 200);
    }
  );

  return app;
}
