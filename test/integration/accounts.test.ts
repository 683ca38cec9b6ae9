import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client, oneTimePasswordFor } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let mobileSeq = 0;
/** A distinct valid mobile per test, so tests in this file do not share accounts or throttle counters. */
function nextMobile() {
  mobileSeq += 1;
  return `98${String(process.pid % 1000).padStart(3, '0')}${String(mobileSeq).padStart(5, '0')}`;
}

async function registerCitizen(extra: Record<string, string> = {}) {
  const mobile = nextMobile();
  const res = await new Client(server.url).post('/api/auth/register', { name: 'Rina Das', mobile, ...extra });
  expect(res.status).toBe(201);
  const e164 = '+91' + mobile;
  return { userId: res.body.userId as string, mobile, e164, otp: await oneTimePasswordFor(server.url, e164) };
}

async function loggedIn(login: string, password: string) {
  const c = new Client(server.url);
  const res = await c.post('/api/auth/login', { login, password });
  expect(res.status).toBe(200);
  return c;
}

describe('registration (seed, web channel steps 2–4)', () => {
  test('registration creates a citizen with a unique user ID and sends the ID and a one-time password by SMS and email', async () => {
    const mobile = nextMobile();
    const res = await new Client(server.url).post('/api/auth/register', { name: '  Rina Das ', mobile: `0${mobile.slice(0, 5)} ${mobile.slice(5)}`, email: 'Rina.Das@Example.com' });
    expect(res.status).toBe(201);
    expect(res.body.userId).toMatch(/^WB\d{8}$/);

    const outbox = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { channel: string; recipient: string; body: string }[];
    const sms = outbox.find((m) => m.channel === 'sms' && m.recipient === '+91' + mobile);
    const email = outbox.find((m) => m.channel === 'email' && m.recipient === 'rina.das@example.com');
    expect(sms?.body).toContain(res.body.userId);
    expect(email?.body).toContain(res.body.userId);
    const otp = await oneTimePasswordFor(server.url, '+91' + mobile);
    expect(email?.body).toContain(otp);

    // The mobile was stored in E.164 whatever way it was typed: it logs in in any form.
    const c = await loggedIn('+91 ' + mobile, otp);
    const me = await c.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ id: res.body.userId, name: 'Rina Das', mobile: '+91' + mobile, email: 'rina.das@example.com', role: 'citizen', mustChangePassword: true });
  });

  test('messages go out in the language the citizen registered in', async () => {
    const mobile = nextMobile();
    await new Client(server.url, 'hi').post('/api/auth/register', { name: 'Sunita Devi', mobile });
    const outbox = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { recipient: string; body: string }[];
    expect(outbox.find((m) => m.recipient === '+91' + mobile)?.body).toContain('यूज़र आईडी');
  });

  test('a mobile number that is not Indian, or not a mobile, is refused with the field named', async () => {
    for (const mobile of ['12345', '+14155552671', '033 2555 1234', '5830012345']) {
      const res = await new Client(server.url).post('/api/auth/register', { name: 'Rina Das', mobile });
      expect(res.status, mobile).toBe(400);
      expect(res.body.error.fields).toEqual({ mobile: 'Enter a 10-digit Indian mobile number.' });
    }
  });

  test('a second account with the same mobile or email is refused with a clear message', async () => {
    const first = await registerCitizen({ email: 'dup@example.com' });
    const sameMobile = await new Client(server.url).post('/api/auth/register', { name: 'Other Person', mobile: first.mobile });
    expect(sameMobile.status).toBe(409);
    expect(sameMobile.body.error.code).toBe('mobile_taken');
    expect(sameMobile.body.error.fields.mobile).toMatch(/already exists/);
    const sameEmail = await new Client(server.url).post('/api/auth/register', { name: 'Other Person', mobile: nextMobile(), email: 'DUP@example.com' });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.code).toBe('email_taken');
  });

  test('errors come back in the caller\'s language', async () => {
    const res = await new Client(server.url, 'bn').post('/api/auth/register', {});
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'validation',
      message: 'কয়েকটি উত্তর ঠিক করতে হবে।',
      fields: { name: 'এটি দিতে হবে।', mobile: 'এটি দিতে হবে।' }
    });
  });
});

describe('first login, password change, logout', () => {
  test('the first login must set a new password before anything else', async () => {
    const { userId, otp } = await registerCitizen();
    const c = await loggedIn(userId.toLowerCase(), otp);
    const blocked = await c.get('/api/offices');
    expect(blocked.status).toBe(200); // public information stays readable
    const staff = await c.get('/api/users');
    expect(staff.status).toBe(403);
    expect(staff.body.error.code).toBe('password_change_required');

    const same = await c.post('/api/auth/password', { currentPassword: otp, newPassword: otp });
    expect(same.status).toBe(400);
    const short = await c.post('/api/auth/password', { currentPassword: otp, newPassword: 'short' });
    expect(short.body.error.fields.newPassword).toBe('Use 10 to 128 characters.');
    const wrong = await c.post('/api/auth/password', { currentPassword: 'not-the-otp', newPassword: 'a long new password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('wrong_password');

    const changed = await c.post('/api/auth/password', { currentPassword: otp, newPassword: 'mango tree by the pond' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    // The one-time password no longer works; the new one does.
    expect((await new Client(server.url).post('/api/auth/login', { login: userId, password: otp })).status).toBe(401);
    await loggedIn(userId, 'mango tree by the pond');
  });

  test('login works with user ID, mobile or email', async () => {
    const { userId, mobile, otp } = await registerCitizen({ email: 'three.ways@example.com' });
    for (const login of [userId, mobile, '+91-' + mobile, 'Three.Ways@example.com']) await loggedIn(login, otp);
  });

  test('a logged-out token no longer works', async () => {
    const { userId, otp } = await registerCitizen();
    const c = await loggedIn(userId, otp);
    const token = c.cookie;
    const out = await c.request('POST', '/api/auth/logout', { headers: { origin: server.origin } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^session=;/);
    const replay = new Client(server.url);
    replay.cookie = token;
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  test('changing the password ends every other session', async () => {
    const { userId, otp } = await registerCitizen();
    const phone = await loggedIn(userId, otp);
    const kiosk = await loggedIn(userId, otp);
    expect((await phone.post('/api/auth/password', { currentPassword: otp, newPassword: 'a brand new secret' })).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(200);
    expect((await kiosk.get('/api/auth/me')).status).toBe(401);
  });

  test('a user ID typed with a Bengali keyboard\'s digits logs in', async () => {
    const { userId, otp } = await registerCitizen();
    const bengali = userId.replace(/\d/g, (d: string) => String.fromCharCode(0x09e6 + Number(d)));
    expect((await new Client(server.url).post('/api/auth/login', { login: bengali, password: otp })).status).toBe(200);
  });

  test('the session cookie is HttpOnly, SameSite=Lax, path /, and not readable as a session without its secret', async () => {
    const { userId, otp } = await registerCitizen();
    const res = await new Client(server.url).post('/api/auth/login', { login: userId, password: otp });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^session=[\w-]+\.[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http in tests; https origins get Secure (production test)
    const forged = new Client(server.url);
    forged.cookie = cookie.split(';')[0]!.replace(/\.[\w-]+$/, '.forgedsecret');
    expect((await forged.get('/api/auth/me')).status).toBe(401);
  });

  test('a session ends after the inactivity timeout, and after the absolute lifetime even when in use', async () => {
    const { userId, otp } = await registerCitizen();
    const idle = await loggedIn(userId, otp);
    server.clock.advance(29 * 60_000);
    expect((await idle.get('/api/auth/me')).status).toBe(200);
    server.clock.advance(29 * 60_000); // 29 minutes after the last use: still alive
    expect((await idle.get('/api/auth/me')).status).toBe(200);
    server.clock.advance(31 * 60_000);
    expect((await idle.get('/api/auth/me')).status).toBe(401);

    // Used every 20 minutes, never idle: still ended 12 hours after login.
    const busy = await loggedIn(userId, otp);
    for (let used = 20; used <= 11 * 60 + 40; used += 20) {
      server.clock.advance(20 * 60_000);
      expect((await busy.get('/api/auth/me')).status).toBe(200);
    }
    server.clock.advance(19 * 60_000); // 11 h 59 min after login
    expect((await busy.get('/api/auth/me')).status).toBe(200);
    server.clock.advance(2 * 60_000); // 12 h 01 min after login, 2 minutes after the last use
    expect((await busy.get('/api/auth/me')).status).toBe(401);
  });

  test('a one-time password stops working after 72 hours', async () => {
    const { userId, otp } = await registerCitizen();
    server.clock.advance(72 * 3_600_000 + 1000);
    const res = await new Client(server.url).post('/api/auth/login', { login: userId, password: otp });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('temp_password_expired');
  });
});

describe('login throttling', () => {
  test('unknown users and wrong passwords get the same answer', async () => {
    const { userId } = await registerCitizen();
    const wrong = await new Client(server.url).post('/api/auth/login', { login: userId, password: 'not-it-at-all' });
    const unknown = await new Client(server.url).post('/api/auth/login', { login: 'WB00000001', password: 'not-it-at-all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  test('after 5 failures an account is locked for 15 minutes, even with the right password, then opens again', async () => {
    const { userId, otp } = await registerCitizen();
    for (let i = 0; i < 5; i++) expect((await new Client(server.url).post('/api/auth/login', { login: userId, password: 'guess-' + i })).status).toBe(401);
    const locked = await new Client(server.url).post('/api/auth/login', { login: userId, password: otp });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    // An unknown login is throttled in exactly the same way, so a 429 does not reveal that an account exists.
    for (let i = 0; i < 5; i++) await new Client(server.url).post('/api/auth/login', { login: 'nobody-here', password: 'guess-' + i });
    const unknownLocked = await new Client(server.url).post('/api/auth/login', { login: 'nobody-here', password: 'x' });
    expect(unknownLocked.status).toBe(429);
    expect(unknownLocked.body.error.code).toBe('too_many_attempts');

    server.clock.advance(15 * 60_000 + 1000);
    expect((await new Client(server.url).post('/api/auth/login', { login: userId, password: otp })).status).toBe(200);
  });

  test('one client address guessing across many accounts is stopped', async () => {
    server.clock.advance(60 * 60_000); // a fresh window for this address
    let status = 0;
    for (let i = 0; i < 31 && status !== 429; i++) {
      status = (await new Client(server.url).post('/api/auth/login', { login: `spray-${i}`, password: 'Password123' })).status;
    }
    expect(status).toBe(429);
    server.clock.advance(16 * 60_000);
  });
});

describe('cross-site requests', () => {
  test('a cross-site form or text/plain POST is refused and sets no cookie', async () => {
    const { userId, otp } = await registerCitizen();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await new Client(server.url).request('POST', '/api/auth/login', {
        body: JSON.stringify({ login: userId, password: otp }),
        headers: { 'content-type': type, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
      });
      expect(res.status, type).toBe(403);
      expect(res.body.error.code).toBe('cross_site');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
});
