// Officers and operators are created by the administrator (DESIGN §1); each gets a one-time password like a citizen.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { identifier } from '../../shared/text.ts';
import { generateOneTimePassword, hashPassword } from '../auth/password.ts';
import { creatableRoles, officeKindsFor, staffRoles } from '../authz.ts';
import type { RouteDeps } from '../deps.ts';
import { multilineText } from '../../shared/text.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, indianMobile, optionalEmail, personName, userSchema } from '../http/schemas.ts';
import { getOffice } from '../offices/offices.ts';
import { sendLoginDetails } from './login-details.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { createUser, listStaff } from './user.ts';
import { deactivateStaff, reactivateStaff, recordStaffChange, repostStaff, staffDetail } from './lifecycle.ts';
import { jsonBody } from '../http/schemas.ts';
import { maskMobile } from '../../shared/mobile.ts';

const create = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Create an officer or operator account (admin); a state officer is posted to no office and is given none',
  middleware: [requirePermission('staff:create')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            name: personName,
            mobile: indianMobile,
            email: optionalEmail,
            role: z.enum(creatableRoles, 'field.role'),
            officeId: identifier('field.office').optional()
          })
        }
      }
    }
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: z.object({ userId: z.string() }) } } },
    ...errorResponses(400, 401, 403, 409, 415)
  }
});

const list = createRoute({
  method: 'get',
  path: '/users',
  tags: ['users'],
  summary: 'Officers, operators and administrators: all (admin), the district\'s (DM), the district\'s officers who may hold an acting charge (SDO)',
  middleware: [requirePermission('staff:list')] as const,
  responses: {
    200: {
      description: 'Staff',
      content: { 'application/json': { schema: z.object({ users: z.array(userSchema.extend({ officeName: z.string().nullable(), deactivatedAt: z.string().nullable() })) }) } }
    },
    ...errorResponses(401, 403)
  }
});

export function userRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(create, async (c) => {
    const admin = currentUser(c).user;
    const body = c.req.valid('json');
    // Every posted role needs an office of its kind; the state officer has none (api/authz.ts officeKindsFor), and
    // an office sent with one is refused rather than dropped, so a mistaken role is not created silently.
    const office = body.officeId ? await getOffice(deps.sql, body.officeId) : null;
    const fits = officeKindsFor[body.role].length === 0 ? !body.officeId : !!office && officeKindsFor[body.role].includes(office.kind);
    if (!fits) throw new ApiError(400, 'validation', { fields: { officeId: 'field.office' } });
    const password = generateOneTimePassword();
    const user = await createUser(deps.sql, {
      name: body.name,
      mobile: toE164IndianMobile(body.mobile)!,
      email: body.email?.toLowerCase() ?? null,
      role: body.role,
      officeId: office?.id ?? null,
      lang: c.get('lang'),
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordExpiresAt: new Date(deps.clock.now().getTime() + deps.config.session.tempPasswordMs),
      createdBy: admin.id
    });
    await recordStaffChange(deps.sql, { userId: user.id, action: 'create', toRole: user.role, toOfficeId: office?.id ?? null, byUserId: admin.id, at: deps.clock.now() });
    c.var.deps.log.info('staff_created', { user: user.id, role: user.role, office: office?.id ?? null, by: admin.id });
    await sendLoginDetails(c.var.deps, user, password);
    return c.json({ userId: user.id }, 201);
  });

  app.openapi(list, async (c) => {
    c.header('Cache-Control', 'no-store');
    const viewer = currentUser(c).user;
    const users = await listStaff(deps.sql, viewer);
    // The SDO lists the district's officers only to name one to an acting charge (DESIGN §7: no more personal data
    // than the task needs): no email, a masked mobile, and not whether an account still waits on its one-time password.
    const shown = viewer.role === 'sdo' ? users.map((u) => ({ ...u, mobile: maskMobile(u.mobile), email: null, mustChangePassword: false })) : users;
    return c.json({ users: shown.map((u) => ({ ...u, deactivatedAt: u.deactivatedAt?.toISOString() ?? null })) }, 200);
  });

  const userParam = z.object({ id: identifier('field.user_id') });
  const reason = multilineText(5, 1000, 'field.remarks');
  const openWork = z.array(z.object({ ain: z.string(), status: z.string(), officeId: z.string(), kind: z.enum(['enquiry', 'office_queue', 'to_resubmit', 'handled']) }));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags: ['users'],
      summary: "A staff account's page: its posting, every change made to it, its acting charges and the open work it holds (admin; the DM for the district)",
      middleware: [requirePermission('staff:manage')] as const,
      request: { params: userParam },
      responses: {
        200: {
          description: 'The account',
          content: {
            'application/json': {
              schema: z.object({
                user: z.object({ id: z.string(), name: z.string(), role: z.string(), officeId: z.string().nullable(), officeName: z.string().nullable(), deactivatedAt: z.string().nullable() }),
                changes: z.array(z.object({ action: z.string(), fromRole: z.string().nullable(), toRole: z.string().nullable(), fromOfficeId: z.string().nullable(), toOfficeId: z.string().nullable(), remarks: z.string().nullable(), byName: z.string(), at: z.string() })),
                openWork,
                actingCharges: z.array(z.object({ id: z.string(), officeId: z.string(), role: z.string(), startsOn: z.string(), endsOn: z.string(), endedAt: z.string().nullable() }))
              })
            }
          }
        },
        ...errorResponses(401, 403, 404)
      }
    }),
    async (c) => {
      const detail = await staffDetail(deps.sql, currentUser(c).user, c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      const { id, name, role, officeId, officeName, deactivatedAt } = detail.user;
      return c.json(
        {
          user: { id, name, role, officeId, officeName, deactivatedAt: deactivatedAt?.toISOString() ?? null },
          changes: detail.changes.map((ch) => ({ action: ch.action, fromRole: ch.fromRole, toRole: ch.toRole, fromOfficeId: ch.fromOfficeId, toOfficeId: ch.toOfficeId, remarks: ch.remarks, byName: ch.byName, at: ch.at.toISOString() })),
          openWork: detail.openWork,
          actingCharges: detail.actingCharges.map((a) => ({ ...a, endedAt: a.endedAt?.toISOString() ?? null }))
        },
        200
      );
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/deactivate',
      tags: ['users'],
      summary: 'Deactivate a staff account: its sessions end at once, it cannot log in, and the open work it held is listed for reassignment',
      middleware: [requirePermission('staff:manage')] as const,
      request: { params: userParam, body: jsonBody(z.object({ reason })) },
      responses: { 200: { description: 'Deactivated', content: { 'application/json': { schema: z.object({ userId: z.string(), deactivatedAt: z.string(), openWork }) } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const manager = currentUser(c).user;
      const result = await deactivateStaff(deps.sql, manager, c.req.valid('param').id, c.req.valid('json').reason, deps.clock.now());
      c.var.deps.log.info('staff_deactivated', { user: result.userId, by: manager.id });
      return c.json({ ...result, deactivatedAt: result.deactivatedAt.toISOString() }, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/reactivate',
      tags: ['users'],
      summary: 'Reactivate a deactivated staff account',
      middleware: [requirePermission('staff:manage')] as const,
      request: { params: userParam, body: jsonBody(z.object({ reason })) },
      responses: { 200: { description: 'Reactivated', content: { 'application/json': { schema: z.object({ userId: z.string() }) } } }, ...errorResponses(400, 401, 403, 404, 409, 415) }
    }),
    async (c) => {
      const manager = currentUser(c).user;
      const result = await reactivateStaff(deps.sql, manager, c.req.valid('param').id, c.req.valid('json').reason, deps.clock.now());
      c.var.deps.log.info('staff_reactivated', { user: result.userId, by: manager.id });
      return c.json(result, 200);
    }
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/posting',
      tags: ['users'],
      summary: 'Transfer an officer to another office, or change their role (with the office that goes with it). Open applications stay with the office.',
      middleware: [requirePermission('staff:manage')] as const,
      request: {
        params: userParam,
        body: jsonBody(z.object({ role: z.enum(staffRoles, 'field.role').optional(), officeId: identifier('field.office'), remarks: reason }))
      },
      responses: {
        200: { description: 'Posted', content: { 'application/json': { schema: z.object({ userId: z.string(), role: z.string(), officeId: z.string(), openWork }) } } },
        ...errorResponses(400, 401, 403, 404, 409, 415)
      }
    }),
    async (c) => {
      const manager = currentUser(c).user;
      const result = await repostStaff(deps.sql, manager, c.req.valid('param').id, c.req.valid('json'), deps.clock.now());
      c.var.deps.log.info('staff_reposted', { user: result.userId, by: manager.id });
      return c.json(result, 200);
    }
  );

  return app;
}
