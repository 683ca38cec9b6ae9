// Account recovery over HTTP (DESIGN §12). The start route answers 202 with the same body whether or not an
// account matches, and sends in the background so that its time says nothing either.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { clientNetwork, currentUser } from '../http/middleware.ts';
import { errorResponses, indianMobile, jsonBody, newPassword, userSchema } from '../http/schemas.ts';
import { hasControlCharacters } from '../../shared/text.ts';
import { findUserForLogin, getUser } from '../users/user.ts';
import { redeemCode, redeemLink, startRecovery } from './recovery.ts';
import { createSession, SESSION_COOKIE } from './session.ts';
import { takeAttempt, type Counter } from './throttle.ts';

const loginField = z.string().trim().min(1, 'field.required').max(254, 'field.invalid').refine((v) => !hasControlCharacters(v), 'field.invalid');

const start = createRoute({
  method: 'post',
  path: '/auth/recovery',
  tags: ['auth'],
  summary: 'Forgot password: a 6-digit code by SMS (mobile or user ID given) or a link by email (email given); same answer for unknown accounts',
  request: { body: jsonBody(z.object({ login: loginField.openapi({ example: '98300 12345' }) })) },
  responses: {
    202: {
      description: 'If the account exists, the code or link is on its way',
      content: { 'application/json': { schema: z.object({ channel: z.enum(['sms', 'email']), minutes: z.number() }) } }
    },
    ...errorResponses(400, 415, 429)
  }
});

const byCode = createRoute({
  method: 'post',
  path: '/auth/recovery/code',
  tags: ['auth'],
  summary: 'Set a new password with the code sent by SMS; logs in',
  request: { body: jsonBody(z.object({ login: loginField, code: z.string().trim().regex(/^\d{6}$/, 'field.recovery_code'), newPassword })) },
  responses: { 200: { description: 'Password set', content: { 'application/json': { schema: z.object({ user: userSchema }) } } }, ...errorResponses(400, 415, 429) }
});

const byLink = createRoute({
  method: 'post',
  path: '/auth/recovery/link',
  tags: ['auth'],
  summary: 'Set a new password with the token of the emailed link; logs in',
  request: { body: jsonBody(z.object({ token: z.string().min(10, 'field.invalid').max(200, 'field.invalid'), newPassword })) },
  responses: { 200: { description: 'Password set', content: { 'application/json': { schema: z.object({ user: userSchema }) } } }, ...errorResponses(400, 415, 429) }
});

const atCounter = createRoute({
  method: 'post',
  path: '/auth/recovery/counter',
  tags: ['auth'],
  summary: "A counter operator starts a recovery for a citizen who is present: the code goes to the citizen's phone (recorded)",
  request: { body: jsonBody(z.object({ mobile: indianMobile })) },
  responses: {
    202: { description: 'Code sent to the citizen', content: { 'application/json': { schema: z.object({ channel: z.literal('sms'), minutes: z.number() }) } } },
    ...errorResponses(400, 401, 403, 404, 415, 429)
  }
});

export function recoveryRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(start, async (c) => {
    const { login } = c.req.valid('json');
    // Each request counts against the address, found or not, so an address cannot probe many accounts.
    await refuseIfThrottled([clientKey(c)]);
    const channel = login.includes('@') ? ('email' as const) : ('sms' as const);
    const user = await findUserForLogin(deps.sql, login);
    // A deactivated account (staff who left) is not brought back by its old mobile: nothing is sent.
    if (user && !user.deactivatedAt) {
      void startRecovery(c.var.deps, user, channel, null).catch((err: unknown) =>
        c.var.deps.log.error('recovery_failed', { error: err instanceof Error ? err.message : String(err) })
      );
    }
    return c.json({ channel, minutes: channel === 'sms' ? 10 : 60 }, 202);
  });

  app.openapi(byCode, async (c) => {
    const body = c.req.valid('json');
    await refuseIfThrottled([clientKey(c)]);
    const user = await findUserForLogin(deps.sql, body.login);
    if (!(await redeemCode(deps, user?.id ?? null, body.code, body.newPassword))) {
      throw new ApiError(400, 'recovery_code_invalid', { fields: { code: 'field.recovery_code' } });
    }
    return loggedIn(c, user!.id);
  });

  app.openapi(byLink, async (c) => {
    const body = c.req.valid('json');
    await refuseIfThrottled([clientKey(c)]);
    const userId = await redeemLink(deps, body.token, body.newPassword);
    if (!userId) {
      throw new ApiError(400, 'recovery_link_invalid');
    }
    return loggedIn(c, userId);
  });

  app.openapi(atCounter, async (c) => {
    const { user: operator } = currentUser(c);
    if (operator.role !== 'operator') throw new ApiError(403, 'forbidden');
    const mobile = toE164IndianMobile(c.req.valid('json').mobile)!;
    const citizen = await findUserForLogin(deps.sql, mobile);
    // The operator is staff and the citizen stands at the counter: saying "no such account" helps them register.
    // Only citizens: an officer's account is the administrator's to reset.
    if (!citizen || citizen.role !== 'citizen' || citizen.deactivatedAt) throw new ApiError(404, 'account_unknown', { fields: { mobile: 'field.account_unknown' } });
    const sent = await startRecovery(c.var.deps, citizen, 'sms', operator.id);
    if (!sent) throw new ApiError(429, 'recovery_limit');
    return c.json({ channel: 'sms' as const, minutes: 10 }, 202);
  });

  /** Recoveries asked and codes tried, per address: each code still has its own 5 tries (recovery.ts). */
  function clientKey(c: Context<ApiEnv>): Counter {
    return { kind: 'recovery-client', value: clientNetwork(c, deps.config.trustedProxies), rule: { limit: deps.config.throttle.perClient, windowMs: deps.config.throttle.windowMs } };
  }

  async function refuseIfThrottled(keys: Counter[]) {
    const waitMs = await takeAttempt(deps, keys);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'too_many_attempts', { vars: { minutes: Math.ceil(seconds / 60) }, headers: { 'Retry-After': String(seconds) } });
    }
  }

  async function loggedIn(c: Context<ApiEnv>, userId: string) {
    const { token } = await createSession(deps, userId);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      secure: deps.config.secureCookies,
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.floor(deps.config.session.maxMs / 1000)
    });
    c.header('Cache-Control', 'no-store');
    return c.json({ user: (await getUser(deps.sql, userId))! }, 200);
  }

  return app;
}
