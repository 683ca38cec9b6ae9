// Account recovery (issue 12 item 1; DESIGN §12): by a code to the mobile, by a link to the email, for an expired
// one-time password, and started at a counter; the same answer whether or not the account exists.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { loginClient } from '../support/applications.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let seq = 0;
function nextMobile() {
  seq += 1;
  return `97${String(process.pid % 1000).padStart(3, '0')}${String(seq).padStart(5, '0')}`;
}

type Message = { channel: string; recipient: string; body: string };
async function messagesTo(recipient: string): Promise<Message[]> {
  const { messages } = (await new Client(server.url).get('/api/dev/outbox')).body as { messages: Message[] };
  return messages.filter((m) => m.recipient === recipient);
}

/** The recovery is sent after the answer (its timing must not tell), so wait for it to arrive. */
async function waitFor<T>(find: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nothing arrived');
}

async function codeSentTo(e164: string, after = 0): Promise<string> {
  return waitFor(async () => {
    const sms = (await messagesTo(e164)).filter((m) => m.channel === 'sms' && /recovery code|পুনরুদ্ধার কোড|पुनर्प्राप्ति कोड/.test(m.body));
    return sms.length > after ? /(\d{6})/.exec(sms[0]!.body)![1] : undefined;
  });
}

async function registered(email?: string) {
  const mobile = nextMobile();
  const res = await new Client(server.url).post('/api/auth/register', { name: 'Rina Das', mobile, ...(email ? { email } : {}) });
  expect(res.status).toBe(201);
  return { userId: res.body.userId as string, mobile, e164: '+91' + mobile };
}

describe('forgot password by mobile', () => {
  test('a 6-digit code by SMS sets a new password once, logs in, and the old sessions end', async () => {
    const who = await registered();
    const res = await new Client(server.url).post('/api/auth/recovery', { login: who.mobile });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ channel: 'sms', minutes: 10 });
    const code = await codeSentTo(who.e164);

    const c = new Client(server.url);
    const done = await c.post('/api/auth/recovery/code', { login: who.mobile, code, newPassword: 'a new long password' });
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ id: who.userId, mustChangePassword: false });
    expect((await c.get('/api/auth/me')).status).toBe(200);
    await loginClient(server.url, who.userId, 'a new long password');

    const again = await new Client(server.url).post('/api/auth/recovery/code', { login: who.mobile, code, newPassword: 'another long password' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('recovery_code_invalid');
    expect(again.body.error.fields.code).toBe('Enter the 6-digit code from the SMS.');
  });

  test('an unknown mobile gets the same answer, and no message goes anywhere', async () => {
    const mobile = nextMobile();
    const res = await new Client(server.url).post('/api/auth/recovery', { login: mobile });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ channel: 'sms', minutes: 10 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await messagesTo('+91' + mobile)).toEqual([]);
    const guess = await new Client(server.url).post('/api/auth/recovery/code', { login: mobile, code: '123456', newPassword: 'a new long password' });
    expect(guess.status).toBe(400);
    expect(guess.body.error.code).toBe('recovery_code_invalid');
  });

  test('five wrong codes use up the code: the right one then fails too', async () => {
    const who = await registered();
    await new Client(server.url).post('/api/auth/recovery', { login: who.userId });
    const code = await codeSentTo(who.e164);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      expect((await new Client(server.url).post('/api/auth/recovery/code', { login: who.userId, code: wrong, newPassword: 'a new long password' })).status).toBe(400);
    }
    expect((await new Client(server.url).post('/api/auth/recovery/code', { login: who.userId, code, newPassword: 'a new long password' })).status).toBe(400);
  });

  test('a code stops working after 10 minutes', async () => {
    const who = await registered();
    await new Client(server.url).post('/api/auth/recovery', { login: who.mobile });
    const code = await codeSentTo(who.e164);
    server.clock.advance(10 * 60_000 + 1000);
    expect((await new Client(server.url).post('/api/auth/recovery/code', { login: who.mobile, code, newPassword: 'a new long password' })).status).toBe(400);
  });

  test('an expired one-time password: login says how to recover, and recovery replaces it', async () => {
    const who = await registered();
    server.clock.advance(73 * 3_600_000);
    const { oneTimePasswordFor } = await import('../support/client.ts');
    const otp = await oneTimePasswordFor(server.url, who.e164);
    const login = await new Client(server.url).post('/api/auth/login', { login: who.mobile, password: otp });
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('temp_password_expired');
    expect(login.body.error.message).toContain('Forgot password');

    await new Client(server.url).post('/api/auth/recovery', { login: who.mobile });
    const code = await codeSentTo(who.e164);
    expect((await new Client(server.url).post('/api/auth/recovery/code', { login: who.mobile, code, newPassword: 'my own password 1' })).status).toBe(200);
    await loginClient(server.url, who.mobile, 'my own password 1');
  });

  test('registering again with a known mobile leads to recovery', async () => {
    const who = await registered();
    const res = await new Client(server.url).post('/api/auth/register', { name: 'Rina Das', mobile: who.mobile });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('Forgot password');
  });
});

describe('forgot password by email', () => {
  test('a link by email sets a new password once', async () => {
    const email = `rec-${process.pid}-${seq}@example.com`;
    const who = await registered(email);
    const res = await new Client(server.url).post('/api/auth/recovery', { login: email.toUpperCase() });
    expect(res.body).toEqual({ channel: 'email', minutes: 60 });
    const token = await waitFor(async () => {
      const mail = (await messagesTo(email)).find((m) => m.channel === 'email' && m.body.includes('/recover?token='));
      return mail ? /\/recover\?token=([\w.-]+)/.exec(mail.body)![1] : undefined;
    });
    const done = await new Client(server.url).post('/api/auth/recovery/link', { token, newPassword: 'emailed new password' });
    expect(done.status).toBe(200);
    expect(done.body.user.id).toBe(who.userId);
    expect((await new Client(server.url).post('/api/auth/recovery/link', { token, newPassword: 'emailed new password 2' })).status).toBe(400);
    const forged = await new Client(server.url).post('/api/auth/recovery/link', { token: token.slice(0, -3) + 'abc', newPassword: 'emailed new password 3' });
    expect(forged.status).toBe(400);
  });
});

describe('at the counter', () => {
  test("an operator starts a recovery for a citizen present: the code goes to the citizen's phone, recorded with the operator", async () => {
    const who = await registered();
    const operator = await loginClient(server.url, 'demo-operator');
    const res = await operator.post('/api/auth/recovery/counter', { mobile: who.mobile });
    expect(res.status).toBe(202);
    const code = await codeSentTo(who.e164);
    const [row] = await server.runtime.deps.sql<{ startedBy: string }[]>`select started_by from password_recoveries where user_id = ${who.userId}`;
    expect(row!.startedBy).toBe('demo-operator');
    expect((await new Client(server.url).post('/api/auth/recovery/code', { login: who.mobile, code, newPassword: 'chosen at counter' })).status).toBe(200);
  });

  test('only operators may, only for citizens, and an unknown mobile is said to be unknown', async () => {
    const citizen = await loginClient(server.url, 'demo-citizen');
    expect((await citizen.post('/api/auth/recovery/counter', { mobile: nextMobile() })).status).toBe(403);
    const operator = await loginClient(server.url, 'demo-operator');
    const unknown = await operator.post('/api/auth/recovery/counter', { mobile: nextMobile() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('account_unknown');
    const [bdo] = await server.runtime.deps.sql<{ mobile: string }[]>`select mobile from users where id = 'demo-bdo'`;
    expect((await operator.post('/api/auth/recovery/counter', { mobile: bdo!.mobile })).status).toBe(404);
  });
});
