// Appeals under the West Bengal Right to Public Services Act, 2013 (issue 13 item 6): thin routes over appeals.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ainFromPath } from '../applications/routes.ts';
import type { RouteDeps } from '../deps.ts';
import { multilineText } from '../../shared/text.ts';
import type { ApiEnv } from '../http/env.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, jsonBody } from '../http/schemas.ts';
import { appealOut, appealSchema, decideAppeal, fileAppeal, listAppeals } from './appeals.ts';

const reasons = (key: 'field.grounds' | 'field.order_reasons') => multilineText(10, 2000, key);

export function appealRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/applications/{ain}/appeals',
      tags: ['appeals'],
      summary: 'The applicant (or the counter that filed it) appeals: level 1 against a rejection or a decision not made in time; level 2 after the first appeal',
      request: {
        params: z.object({ ain: z.string().max(40) }),
        body: jsonBody(
          z.object({
            level: z.union([z.literal(1), z.literal(2)], 'field.level').default(1),
            grounds: reasons('field.grounds'),
            documentIds: z.array(z.uuid('field.appeal_documents')).max(5, 'field.appeal_documents').default([])
          })
        )
      },
      responses: { 201: { description: 'Filed', content: { 'application/json': { schema: appealSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      const appeal = await fileAppeal(c.var.deps, user, ainFromPath(c.req.valid('param').ain), c.req.valid('json'), deps.clock.now());
      return c.json(appealOut(appeal), 201);
    }
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/appeals',
      tags: ['appeals'],
      summary: "Appeals before the Appellate or Reviewing Officer (pending first, soonest due first); a citizen's or counter's own",
      responses: { 200: { description: 'Appeals', content: { 'application/json': { schema: z.object({ appeals: z.array(appealSchema) }) } } }, ...errorResponses(401) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      c.header('Cache-Control', 'no-store');
      return c.json({ appeals: (await listAppeals(deps.sql, user)).map(appealOut) }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/appeals/{id}/order',
      tags: ['appeals'],
      summary: 'The Appellate (or Reviewing) Officer orders: allow with a direction to issue within N days, or dismiss, with reasons; on a second appeal, optionally a penalty of ₹250–1,000',
      middleware: [requirePermission('appeals:decide')] as const,
      request: {
        params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'field.id') }),
        body: jsonBody(
          z.object({
            outcome: z.enum(['allow', 'dismiss'], 'field.outcome'),
            reasons: reasons('field.order_reasons'),
            directionDays: z.number('field.direction_days').int('field.direction_days').min(1, 'field.direction_days').max(60, 'field.direction_days').optional(),
            penaltyRupees: z.number('field.penalty').int('field.penalty').min(250, 'field.penalty').max(1000, 'field.penalty').optional(),
            penaltyReasons: multilineText(10, 2000, 'field.penalty_reasons').optional()
          })
        )
      },
      responses: { 200: { description: 'Ordered', content: { 'application/json': { schema: appealSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const { user } = currentUser(c);
      return c.json(appealOut(await decideAppeal(c.var.deps, user, c.req.valid('param').id, c.req.valid('json'), deps.clock.now())), 200);
    }
  );

  return app;
}
