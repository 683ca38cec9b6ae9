// Officers and operators are created by the administrator (DESIGN §1); each gets a one-time password like a citizen.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { generateOneTimePassword, hashPassword } from '../auth/password.ts';
import { officeKindsFor, staffRoles } from '../authz.ts';
import type { Deps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { currentUser, requirePermission } from '../http/middleware.ts';
import { errorResponses, indianMobile, optionalEmail, personName, userSchema } from '../http/schemas.ts';
import { getOffice } from '../offices/offices.ts';
import { sendLoginDetails } from './login-details.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { createUser, listStaff } from './user.ts';

const create = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Create an officer or operator account (admin)',
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
            role: z.enum(staffRoles, 'field.role'),
            officeId: z.string('field.office').min(1, 'field.office').max(100, 'field.office')
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
  summary: 'Officers, operators and administrators (admin)',
  middleware: [requirePermission('staff:list')] as const,
  responses: {
    200: {
      description: 'Staff',
      content: { 'application/json': { schema: z.object({ users: z.array(userSchema.extend({ officeName: z.string().nullable() })) }) } }
    },
    ...errorResponses(401, 403)
  }
});

export function userRoutes(deps: Deps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(create, async (c) => {
    const admin = currentUser(c).user;
    const body = c.req.valid('json');
    const office = await getOffice(deps.sql, body.officeId);
    if (!office || !officeKindsFor[body.role].includes(office.kind)) {
      throw new ApiError(400, 'validation', { fields: { officeId: 'field.office' } });
    }
    const password = generateOneTimePassword();
    const user = await createUser(deps.sql, {
      name: body.name,
      mobile: toE164IndianMobile(body.mobile)!,
      email: body.email?.toLowerCase() ?? null,
      role: body.role,
      officeId: office.id,
      lang: c.var.lang,
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordExpiresAt: new Date(deps.clock.now().getTime() + deps.config.session.tempPasswordMs),
      createdBy: admin.id
    });
    deps.log.info('staff_created', { user: user.id, role: user.role, office: office.id, by: admin.id });
    await sendLoginDetails(deps, user, password);
    return c.json({ userId: user.id }, 201);
  });

  app.openapi(list, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ users: await listStaff(deps.sql) }, 200);
  });

  return app;
}
