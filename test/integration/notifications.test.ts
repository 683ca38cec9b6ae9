// Every status change reaches the citizen by SMS, email and push, through the outbox, against local servers that
// speak Africa's Talking's, SMTP's and a push service's protocols (DESIGN §8).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enqueueNotifications, type Notification } from '../../api/notify/notify.ts';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { startAfricasTalkingMock, type AfricasTalkingMock } from '../mocks/africastalking.ts';
import { startPushMock, type PushMock } from '../mocks/push.ts';
import { startSmtpMock, type SmtpMock } from '../mocks/smtp.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import type { Client } from '../support/client.ts';
import { fakeSubscription } from '../support/push.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const API_KEY = 'at-test-key-0123456789';
let server: TestServer;
let at: AfricasTalkingMock;
let smtp: SmtpMock;
let push: PushMock;
let citizen: Client;
let bdo: Client;

beforeAll(async () => {
  [at, smtp, push] = await Promise.all([startAfricasTalkingMock(API_KEY), startSmtpMock(), startPushMock()]);
  server = await startTestServer(
    {
      SMS_PROVIDER: 'africastalking',
      AFRICASTALKING_USERNAME: 'edistrict-n24pgs',
      AFRICASTALKING_API_KEY: API_KEY,
      AFRICASTALKING_SENDER_ID: 'WBEDST',
      AFRICASTALKING_SMS_URL: at.smsUrl,
      SMTP_URL: smtp.url,
      OUTBOX_MAX_ATTEMPTS: '3'
    },
    { dispatchIntervalMs: 0, pushAgent: push.agent }
  );
  const sql = server.runtime.deps.sql;
  await sql`update users set email = 'citizen@example.org', lang = 'bn' where id = 'demo-citizen'`;
  await sql`update users set email = 'eo@example.org' where id = 'demo-eo'`;
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
});
afterAll(async () => {
  await server.close();
  await Promise.all([at.stop(), smtp.stop(), push.stop()]);
});

/** Tests move the clock by hours, past the session's idle timeout, so each application is filed from a fresh login. */
async function newApplication(who?: Client, applicant: Record<string, unknown> = {}): Promise<string> {
  who ??= await loginClient(server.url, 'demo-citizen');
  const documents = await uploadDocumentSet(who, server.origin);
  // Filed for oneself: the form's mobile and email are the account's (the form's own contacts: citizen-told.test.ts).
  const res = await who.post('/api/applications', { applicant: validApplicant({ email: '', ...applicant }), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

interface Row {
  id: string;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  providerId: string | null;
  template: string;
}

async function rowsOf(ain: string): Promise<Row[]> {
  return server.runtime.deps.sql<Row[]>`
    select o.id::text, o.channel, o.recipient, o.status, o.attempts, o.last_error, o.next_attempt_at, o.provider_id, o.template
    from outbox o join applications a on a.id = o.application_id where a.ain = ${ain} order by o.id`;
}

/** Sends until nothing is due now. */
async function drain() {
  while ((await dispatchDue(server.runtime.deps)) > 0);
}

const smsTo = (number: string, ain: string) => at.messages.filter((m) => m.to === number && m.message.includes(ain));
const mailsTo = (address: string, ain: string) => smtp.mails.filter((m) => m.to.includes(address) && m.raw.includes(ain));

describe('a status change reaches every recipient once on each channel', () => {
  test('the citizen gets one SMS, one email and one push per change; the EO gets new work by email and no SMS', async () => {
    const device = fakeSubscription(push.endpoint('citizen-phone'));
    expect((await citizen.post('/api/push/subscriptions', device)).status).toBe(201);
    // The same device subscribing again stays one subscription.
    expect((await citizen.post('/api/push/subscriptions', device)).status).toBe(201);

    const ain = await newApplication();
    await drain();
    const sms = smsTo('+919000000001', ain);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ username: 'edistrict-n24pgs', from: 'WBEDST' });
    expect(sms[0]!.message).toMatch(/^সাধারণ বাসিন্দা শংসাপত্রের আবেদন \d{14} \d\d-\d\d-\d{4} তারিখে জমা হয়েছে।/);
    expect(mailsTo('citizen@example.org', ain)).toHaveLength(1);
    const pushesBefore = push.pushes.filter((p) => p.path === '/push/citizen-phone').length;
    expect(pushesBefore).toBe(1);

    const forward = await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' });
    expect(forward.status).toBe(200);
    await drain();
    expect(smsTo('+919000000001', ain)).toHaveLength(2);
    expect(smsTo('+919000000001', ain)[1]!.message).toContain('সরেজমিন তদন্তে');
    expect(mailsTo('citizen@example.org', ain)).toHaveLength(2);
    expect(push.pushes.filter((p) => p.path === '/push/citizen-phone')).toHaveLength(2);

    // The EO: new work by email (they have no push subscription), never by SMS.
    const [eo] = await server.runtime.deps.sql<{ mobile: string }[]>`select mobile from users where id = 'demo-eo'`;
    expect(at.messages.filter((m) => m.to === eo!.mobile)).toHaveLength(0);
    expect(mailsTo('eo@example.org', ain)).toHaveLength(1);
    expect((await rowsOf(ain)).filter((r) => r.recipient === 'eo@example.org').map((r) => r.template)).toEqual(['new_work']);

    // The pushes were VAPID-signed with the server's key and encrypted for the device.
    const key = (await citizen.get('/api/push/key')).body.publicKey as string;
    expect(push.pushes.at(-1)).toMatchObject({ encoding: 'aes128gcm', vapidKey: key });
    expect(Number(push.pushes.at(-1)!.ttl)).toBeGreaterThan(0);

    // Nothing is sent twice, whatever runs the dispatcher again.
    await drain();
    expect(smsTo('+919000000001', ain)).toHaveLength(2);
    expect((await rowsOf(ain)).every((r) => r.status === 'sent' && r.providerId)).toBe(true);
  });

  test('the email is in the citizen language, as plain text and HTML, with a link to the application', async () => {
    const ain = await newApplication();
    await drain();
    const [mail] = mailsTo('citizen@example.org', ain);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    expect(mail!.raw).toMatch(/Content-Type: text\/html; charset=utf-8/i);
    expect(mail!.raw).toMatch(/Subject: =\?UTF-8\?/i); // আবেদন গৃহীত, encoded
    expect(mail!.raw).toContain(`/track/${ain}`);
  });
});

describe('retries, backoff and dead letters', () => {
  test('a gateway that answers 500 and then refuses connections gets the message once it is back; nothing is lost', async () => {
    at.httpStatus = 500;
    const ain = await newApplication();
    await dispatchDue(server.runtime.deps);
    let [sms] = (await rowsOf(ain)).filter((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'pending', attempts: 1 });
    expect(sms!.lastError).toMatch(/HTTP 500/);
    // The first retry waits between 15 and 30 seconds (30 s with jitter).
    const wait = sms!.nextAttemptAt.getTime() - server.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(await dispatchDue(server.runtime.deps)).toBe(0); // not due yet

    await at.stop(); // now the connection is refused
    server.clock.advance(31_000);
    await dispatchDue(server.runtime.deps);
    [sms] = (await rowsOf(ain)).filter((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'pending', attempts: 2 });
    expect(sms!.lastError).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/); // refused, or a kept-alive socket reset

    await at.start();
    at.httpStatus = null;
    server.clock.advance(61_000);
    await drain();
    [sms] = (await rowsOf(ain)).filter((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sms!.providerId).toMatch(/^ATXid_/);
    expect(smsTo('+919000000001', ain)).toHaveLength(1);
  });

  test('a message that keeps failing is dead-lettered after OUTBOX_MAX_ATTEMPTS', async () => {
    at.httpStatus = 500;
    const ain = await newApplication();
    for (let i = 0; i < 3; i++) {
      await dispatchDue(server.runtime.deps);
      server.clock.advance(3_600_000);
    }
    at.httpStatus = null;
    const [sms] = (await rowsOf(ain)).filter((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'dead', attempts: 3 });
    await drain();
    expect(smsTo('+919000000001', ain)).toHaveLength(0);
  });

  test('a permanent failure is dead-lettered at once, listed for the administrator, and sent again on request', async () => {
    const citizen2 = await loginAsNewCitizen('+919830071111');
    at.recipientStatus.set('+919830071111', 403); // InvalidPhoneNumber
    const ain = await newApplication(citizen2, { mobile: '9830071111' });
    await drain();
    const [sms] = (await rowsOf(ain)).filter((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'dead', attempts: 1, lastError: '403 InvalidPhoneNumber' });

    const admin = await loginClient(server.url, 'demo-admin');
    bdo = await loginClient(server.url, 'demo-bdo');
    const list = await admin.get('/api/admin/messages');
    expect(list.status).toBe(200);
    const listed = list.body.messages.find((m: { id: string }) => m.id === sms!.id);
    expect(listed).toMatchObject({ channel: 'sms', status: 'dead', recipient: '+91******1111', lastError: '403 InvalidPhoneNumber', ain, event: 'received' });
    expect((await bdo.get('/api/admin/messages')).status).toBe(403);
    expect((await bdo.post(`/api/admin/messages/${sms!.id}/retry`, {})).status).toBe(403);

    at.recipientStatus.delete('+919830071111');
    const retry = await admin.post(`/api/admin/messages/${sms!.id}/retry`, {});
    expect(retry.status).toBe(200);
    await drain();
    expect((await rowsOf(ain)).find((r) => r.id === sms!.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smsTo('+919830071111', ain)).toHaveLength(1);
    // A sent message is not in trouble: sending it "again" is refused.
    const again = await admin.post(`/api/admin/messages/${sms!.id}/retry`, {});
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('message_unknown');
  });

  test('a mailbox that does not exist (550) is dead at once; a busy one (451) is tried again', async () => {
    const sql = server.runtime.deps.sql;
    smtp.permanent.add('citizen@example.org');
    const ain = await newApplication();
    await drain();
    expect((await rowsOf(ain)).find((r) => r.channel === 'email')).toMatchObject({ status: 'dead' });
    smtp.permanent.clear();

    smtp.temporary.add('citizen@example.org');
    const ain2 = await newApplication();
    await drain();
    const email = (await rowsOf(ain2)).find((r) => r.channel === 'email');
    expect(email).toMatchObject({ status: 'pending', attempts: 1 });
    expect(email!.lastError).toMatch(/451/);
    smtp.temporary.clear();
    server.clock.advance(60_000);
    await drain();
    expect((await rowsOf(ain2)).find((r) => r.channel === 'email')).toMatchObject({ status: 'sent' });
    await sql`select 1`;
  });

  test('a device the push service reports gone (410) is forgotten; the citizen other device still gets pushes', async () => {
    const c = await loginAsNewCitizen('+919830072222');
    const old = fakeSubscription(push.endpoint('old-phone'));
    const current = fakeSubscription(push.endpoint('new-phone'));
    expect((await c.post('/api/push/subscriptions', old)).status).toBe(201);
    expect((await c.post('/api/push/subscriptions', current)).status).toBe(201);
    push.gone.add('/push/old-phone');
    const ain = await newApplication(c);
    await drain();
    const pushes = (await rowsOf(ain)).filter((r) => r.channel === 'push');
    expect(pushes.map((r) => r.status).sort()).toEqual(['cancelled', 'sent']);
    const devices = await server.runtime.deps.sql<{ endpoint: string }[]>`select endpoint from push_subscriptions where user_id = (select id from users where mobile = '+919830072222')`;
    expect(devices.map((d) => d.endpoint)).toEqual([current.endpoint]);
    expect(push.pushes.filter((p) => p.path === '/push/new-phone')).toHaveLength(1);
  });
});

describe('the failed-messages list', () => {
  test('error texts from gateways show no address or number; a message being sent cannot be resent meanwhile', async () => {
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ id: string }[]>`
      insert into outbox (channel, recipient, lang, template, body, status, attempts, last_error, next_attempt_at, created_at)
      values ('email', 'rina.das@example.org', 'en', 'received', 'x', 'dead', 8, '550 5.1.1 <rina.das@example.org>: no such user; call +919830012345',
              ${server.clock.now()}, ${server.clock.now()})
      returning id::text`;
    const admin = await loginClient(server.url, 'demo-admin');
    const listed = (await admin.get('/api/admin/messages')).body.messages.find((m: { id: string }) => m.id === row!.id);
    expect(listed).toMatchObject({ recipient: 'r***@example.org', lastError: '550 5.1.1 <***@***>: no such user; call +91***' });

    // A dispatcher holds it (a lease in the future): "send again" would send it twice, so it is refused.
    await sql`update outbox set status = 'pending', leased_until = ${new Date(server.clock.now().getTime() + 60_000)} where id = ${row!.id}`;
    expect((await admin.post(`/api/admin/messages/${row!.id}/retry`, {})).status).toBe(404);
    await sql`update outbox set leased_until = null where id = ${row!.id}`;
    expect((await admin.post(`/api/admin/messages/${row!.id}/retry`, {})).status).toBe(200);
    await sql`delete from outbox where id = ${row!.id}`;
  });
});

describe('push subscriptions', () => {
  test('a push service answering 403 (the subscription was made with another VAPID key) removes the device', async () => {
    const c = await loginAsNewCitizen('+919830075555');
    const stale = fakeSubscription(push.endpoint('stale-key'));
    expect((await c.post('/api/push/subscriptions', stale)).status).toBe(201);
    push.forbidden.add('/push/stale-key');
    const ain = await newApplication(c);
    await drain();
    expect((await rowsOf(ain)).filter((r) => r.channel === 'push').map((r) => r.status)).toEqual(['cancelled']);
    expect((await server.runtime.deps.sql`select 1 from push_subscriptions where endpoint = ${stale.endpoint}`).length).toBe(0);
  });

  test("a shared phone: after another user takes the device over, the first user's waiting pushes are not delivered to it", async () => {
    const first = await loginAsNewCitizen('+919830073333');
    const device = fakeSubscription(push.endpoint('shared-phone'));
    expect((await first.post('/api/push/subscriptions', device)).status).toBe(201);
    const ain = await newApplication(first); // its push waits in the outbox
    const second = await loginAsNewCitizen('+919830074444');
    expect((await second.post('/api/push/subscriptions', device)).status).toBe(201);
    await drain();
    expect((await rowsOf(ain)).filter((r) => r.channel === 'push').map((r) => r.status)).toEqual(['cancelled']);
    expect(push.pushes.filter((p) => p.path === '/push/shared-phone')).toHaveLength(0);
    const [owner] = await server.runtime.deps.sql<{ mobile: string }[]>`select u.mobile from push_subscriptions s join users u on u.id = s.user_id where s.endpoint = ${device.endpoint}`;
    expect(owner!.mobile).toBe('+919830074444'); // the device stays the second user's
  });

  test('a subscription must be a valid https push endpoint with its keys; only the owner removes it', async () => {
    citizen = await loginClient(server.url, 'demo-citizen');
    bdo = await loginClient(server.url, 'demo-bdo');
    const bad = await citizen.post('/api/push/subscriptions', { endpoint: 'http://insecure.example/push/1', keys: { p256dh: 'x', auth: 'y' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toContain('endpoint');
    const noKeys = await citizen.post('/api/push/subscriptions', { endpoint: push.endpoint('x') });
    expect(noKeys.status).toBe(400);
    expect((await new (citizen.constructor as typeof Client)(server.url).post('/api/push/subscriptions', fakeSubscription(push.endpoint('anon')))).status).toBe(401);

    const device = fakeSubscription(push.endpoint('to-remove'));
    await citizen.post('/api/push/subscriptions', device);
    expect((await bdo.request('DELETE', '/api/push/subscriptions', { json: { endpoint: device.endpoint } })).status).toBe(204);
    const sql = server.runtime.deps.sql;
    expect((await sql`select 1 from push_subscriptions where endpoint = ${device.endpoint}`).length).toBe(1);
    expect((await citizen.request('DELETE', '/api/push/subscriptions', { json: { endpoint: device.endpoint } })).status).toBe(204);
    expect((await sql`select 1 from push_subscriptions where endpoint = ${device.endpoint}`).length).toBe(0);
  });
});

let citizenSeq = 0;
async function loginAsNewCitizen(mobile: string): Promise<Client> {
  const id = `WB7700${String(++citizenSeq).padStart(4, '0')}`;
  await insertUser(server.runtime.deps.sql, { id, role: 'citizen', mobile });
  return loginClient(server.url, id);
}

describe("many notifications at once (the SLA sweeper's backlog)", () => {
  // More than two of enqueueNotifications' batches of 2,000 rows, written while the next is being made.
  const reminders = (n: number, lastApplicationId?: string): Notification[] =>
    Array.from({ length: n }, (_, i) => ({
      event: 'reminder',
      userIds: ['demo-eo'],
      applicationId: i === n - 1 ? lastApplicationId : undefined,
      link: 'https://example.org/',
      values: { ain: `AIN-${i}`, step: 'enquiry', due: '30 Nov' }
    }));

  test('4,500 reminders are written in batches, every one, in the transaction the caller gave', async () => {
    const sql = server.runtime.deps.sql;
    const at = new Date('2031-01-01T00:00:00Z');
    const list = reminders(4_500);
    const written = await sql.begin((tx) => enqueueNotifications(tx, at, list));
    const rows = await sql<{ body: string }[]>`select body from outbox where created_at = ${at} and channel = 'email' order by id`;
    expect(written).toBe(rows.length);
    expect(rows.map((r) => /AIN-\d+/.exec(r.body)?.[0])).toEqual(list.map((n) => (n.values as { ain: string }).ain));
    await sql`delete from outbox where created_at = ${at}`;
  });

  test('a batch that fails takes the batches before it with it: nothing of the list is written', async () => {
    const sql = server.runtime.deps.sql;
    const at = new Date('2031-01-02T00:00:00Z');
    // The last notification's application id is not a number: the third batch's insert fails.
    await expect(sql.begin((tx) => enqueueNotifications(tx, at, reminders(4_500, 'not-a-number')))).rejects.toThrow(/bigint/);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where created_at = ${at}`;
    expect(row!.n).toBe(0);
  });
});
