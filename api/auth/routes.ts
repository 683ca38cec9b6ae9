import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { RouteDeps } from '../deps.ts';
import type { ApiEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { clientNetwork, currentUser } from '../http/middleware.ts';
import { errorResponses, indianMobile, jsonBody, newPassword, optionalEmail, personName, userSchema } from '../http/schemas.ts';
import { sendLoginDetails } from '../users/login-details.ts';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { freeText } from '../../shared/text.ts';
import { createUser, findUserForLogin, getUser, setUserLanguage, type User } from '../users/user.ts';
import { generateOneTimePassword, hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import { createSession, invalidateSession, replacePassword, SESSION_COOKIE } from './session.ts';
import { returnAttempt, takeAttempt, type Counter } from './throttle.ts';

const userResponse = z.object({ user: userSchema });

const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['auth'],
  summary: 'Register a citizen; the user ID and a one-time password go out by SMS and email',
  request: { body: jsonBody(z.object({ name: personName, mobile: indianMobile, email: optionalEmail })) },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: z.object({ userId: z.string() }) } } },
    ...errorResponses(400, 409, 413, 415, 429)
  }
});

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Log in with a user ID, mobile number or email; sets the session cookie',
  request: { body: jsonBody(z.object({ login: freeText(1, 254, 'field.required'), password: z.string().min(1, 'field.required').max(128) })) },
  responses: { 200: { description: 'Logged in', content: { 'application/json': { schema: userResponse } } }, ...errorResponses(400, 401, 415, 429) }
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'End this session',
  responses: { 204: { description: 'Logged out' } }
});

const me = createRoute({
  method: 'get',
  path: '/auth/me',
  tags: ['auth'],
  summary: 'The logged-in user',
  responses: { 200: { description: 'The user', content: { 'application/json': { schema: userResponse } } }, ...errorResponses(401) }
});

const setLanguage = createRoute({
  method: 'put',
  path: '/auth/me/language',
  tags: ['auth'],
  summary: 'The language SMS, email and push reach the user in (the PWA calls it when the user switches language)',
  request: { body: jsonBody(z.object({ lang: z.enum(['bn', 'en', 'hi'], 'field.lang') })) },
  responses: { 200: { description: 'Saved', content: { 'application/json': { schema: userResponse } } }, ...errorResponses(400, 401, 415) }
});

const changePassword = createRoute({
  method: 'post',
  path: '/auth/password',
  tags: ['auth'],
  summary: 'Change the password; ends every other session of the user',
  request: { body: jsonBody(z.object({ currentPassword: z.string().min(1, 'field.required').max(128), newPassword })) },
  responses: { 200: { description: 'Changed', content: { 'application/json': { schema: userResponse } } }, ...errorResponses(400, 401, 415, 429) }
});

export function authRoutes(deps: RouteDeps) {
  const app = new OpenAPIHono<ApiEnv>();

  app.openapi(register, async (c) => {
    const body = c.req.valid('json');
    const mobile = toE164IndianMobile(body.mobile)!;
    // Each registration sends an SMS and an email: counted per address and per mobile before anything is created.
    const { perAddressPerHour, perMobilePerDay } = deps.config.registration;
    const wait = await takeAttempt(deps, [
      { kind: 'register-address', value: clientNetwork(c, deps.config.trustedProxies), rule: { limit: perAddressPerHour, windowMs: 3_600_000 } },
      { kind: 'register-mobile', value: mobile, rule: { limit: perMobilePerDay, windowMs: 86_400_000 } }
    ]);
    if (wait > 0) {
      throw new ApiError(429, 'registration_limited', { vars: { minutes: Math.ceil(wait / 60_000) }, headers: { 'Retry-After': String(Math.ceil(wait / 1000)) } });
    }
    const password = generateOneTimePassword();
    const user = await createUser(deps.sql, {
      name: body.name,
      mobile,
      email: body.email?.toLowerCase() ?? null,
      role: 'citizen',
      officeId: null,
      lang: c.get('lang'),
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordExpiresAt: new Date(deps.clock.now().getTime() + deps.config.session.tempPasswordMs),
      createdBy: null
    });
    await sendLoginDetails(c.var.deps, user, password);
    return c.json({ userId: user.id }, 201);
  });

  app.openapi(login, async (c) => {
    const body = c.req.valid('json');
    const user = await findUserForLogin(deps.sql, body.login);
    // Keyed on the account when there is one, so mobile, email and user ID share a count; on the text otherwise,
    // so that unknown logins are throttled, and answered, exactly like known ones.
    const account = user ? user.id : body.login.trim().toLowerCase();
    const address = clientNetwork(c, deps.config.trustedProxies);
    const counters = loginCounters(account, address);
    // Counted before the password is looked at: a burst of parallel guesses gets exactly the allowance checked.
    await refuseIfThrottled(counters);
    const ok = user ? await verifyPassword(user.passwordHash, body.password) : await verifyAgainstDummy(body.password);
    if (!user || !ok) throw new ApiError(401, 'invalid_credentials');
    if (user.passwordExpiresAt && user.passwordExpiresAt <= deps.clock.now()) throw new ApiError(401, 'temp_password_expired');
    // Told only after the right password, so the answer says nothing about an account to someone guessing.
    if (user.deactivatedAt) throw new ApiError(401, 'account_deactivated');
    // The owner is in: this address starts afresh for the account, and the login does not use up anyone's allowance.
    await returnAttempt(deps, { forget: [counters[0]!], refund: counters.slice(1) });
    const { token } = await createSession(deps, user.id);
    setSessionCookie(c, token);
    return c.json({ user: publicUser(user) }, 200);
  });

  app.openapi(logout, async (c) => {
    const auth = c.get('auth');
    if (auth) await invalidateSession(deps.sql, auth.session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.openapi(me, (c) => {
    const { user } = currentUser(c, { allowPendingPasswordChange: true });
    c.header('Cache-Control', 'no-store');
    return c.json({ user }, 200);
  });

  app.openapi(setLanguage, async (c) => {
    const { user } = currentUser(c, { allowPendingPasswordChange: true });
    const { lang } = c.req.valid('json');
    await setUserLanguage(deps.sql, user.id, lang);
    c.header('Cache-Control', 'no-store');
    return c.json({ user: { ...user, lang } }, 200);
  });

  app.openapi(changePassword, async (c) => {
    const { user, session } = currentUser(c, { allowPendingPasswordChange: true });
    const body = c.req.valid('json');
    // Someone at an unlocked screen must not be able to try passwords at leisure.
    const counters: Counter[] = [{ kind: 'password-change', value: user.id, rule: { limit: deps.config.throttle.perAccountAddress, windowMs: deps.config.throttle.windowMs } }];
    await refuseIfThrottled(counters);
    const stored = await findUserForLogin(deps.sql, user.id);
    if (!stored || !(await verifyPassword(stored.passwordHash, body.currentPassword))) {
      throw new ApiError(400, 'wrong_password', { fields: { currentPassword: 'field.invalid' } });
    }
    if (body.newPassword === body.currentPassword) throw new ApiError(400, 'validation', { fields: { newPassword: 'field.password_same' } });
    const passwordHash = await hashPassword(body.newPassword);
    await replacePassword(deps.sql, user.id, passwordHash, session.id);
    await returnAttempt(deps, { forget: counters });
    return c.json({ user: (await getUser(deps.sql, user.id))! }, 200);
  });

  /**
   * A stranger's wrong passwords close only their own address to the account (the first counter); the account's
   * higher ceiling across addresses only slows further attempts by growing delays, so no one can lock an officer
   * out; the address's ceiling across accounts stops one client spraying many accounts.
   */
  function loginCounters(account: string, address: string): Counter[] {
    const t = deps.config.throttle;
    return [
      { kind: 'login-account-address', value: `${account}\n${address}`, rule: { limit: t.perAccountAddress, windowMs: t.windowMs } },
      { kind: 'login-account', value: account, rule: { limit: t.perAccount, windowMs: t.windowMs, delay: { baseMs: 1000, maxMs: t.maxDelayMs } } },
      { kind: 'login-address', value: address, rule: { limit: t.perClient, windowMs: t.windowMs } }
    ];
  }

  async function refuseIfThrottled(counters: Counter[]) {
    const waitMs = await takeAttempt(deps, counters);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'too_many_attempts', { vars: { minutes: Math.ceil(seconds / 60) }, headers: { 'Retry-After': String(seconds) } });
    }
  }

  function setSessionCookie(c: Context<ApiEnv>, token: string) {
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      secure: deps.config.secureCookies,
      sameSite: 'Lax',
      path: '/',
      maxAge: Math.floor(deps.config.session.maxMs / 1000)
    });
  }

  return app;
}

function publicUser(u: User): User {
  return {
    id: u.id,
    name: u.name,
    mobile: u.mobile,
    email: u.email,
    role: u.role,
    officeId: u.officeId,
    lang: u.lang,
    mustChangePassword: u.mustChangePassword
  };
}
