// The SLA clock, the sweeper and the higher offices' dashboard (seed §C, feature 7; DESIGN §5). The test clock
// starts on Friday 27 November 2026, 10:30 in Kolkata; no holiday falls in the days these tests move through.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedStateHolidays } from '../../api/sla/holidays.ts';
import { fillMissingDues } from '../../api/sla/rules.ts';
import { sweep } from '../../api/sla/sweeper.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const HOUR = 3_600_000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  await sql`update users set email = 'bdo@example.org' where id = 'demo-bdo'`;
  await sql`update users set email = 'dm@example.org' where id = 'demo-dm'`;
  await insertUser(sql, { id: 'sdo-basirhat', role: 'sdo', officeId: 'n24pgs/basirhat', mobile: '+919830090001' });
  await insertUser(sql, { id: 'bdo-deganga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830090002' });
});
afterAll(() => server.close());

/** Sessions expire while the clock runs on, so every call logs in afresh. */
const as = (userId: string): Promise<Client> => loginClient(server.url, userId);

async function apply(): Promise<string> {
  const citizen = await as('demo-citizen');
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

async function slaOf(ain: string) {
  const [row] = await server.runtime.deps.sql<{ status: string; version: number; dueAt: Date; stepDueAt: Date | null; l1DueAt: Date | null; slaStartedAt: Date }[]>`
    select status, version, due_at, step_due_at, l1_due_at, sla_started_at from applications where ain = ${ain}`;
  return row!;
}

async function breachesOf(ain: string) {
  return server.runtime.deps.sql<{ step: string; level: string; escalatedTo: string }[]>`
    select b.step, b.level, b.escalated_to from sla_breaches b join applications a on a.id = b.application_id where a.ain = ${ain} order by b.id`;
}

async function messagesOf(ain: string, template: string) {
  return server.runtime.deps.sql<{ channel: string; recipient: string; userId: string }[]>`
    select o.channel, o.recipient, o.user_id from outbox o join applications a on a.id = o.application_id
    where a.ain = ${ain} and o.template = ${template} order by o.id`;
}

const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+05:30`)).toISOString();

describe('due dates (DESIGN §5)', () => {
  test('submission sets scrutiny T+1, its L1 T+3 and the decision expected by T+5; forwarding and the report move to the next step', async () => {
    const start = server.clock.now();
    const ain = await apply();
    const s = await slaOf(ain);
    expect(s.slaStartedAt.toISOString()).toBe(start.toISOString());
    // Friday 27: T+1 is Saturday 28 (a working day), T+3 is Tuesday 1 December (Sunday skipped), T+5 Thursday 3.
    expect(s.stepDueAt!.toISOString()).toBe(endOfDay('2026-11-28'));
    expect(s.l1DueAt!.toISOString()).toBe(endOfDay('2026-12-01'));
    expect(s.dueAt.toISOString()).toBe(endOfDay('2026-12-03'));
    // The tracking page's "expected by" and the "received" SMS give the decision's date; the BDO's new work its own.
    expect((await (await as('demo-citizen')).get(`/api/track/${ain}`)).body.nextDueAt).toBe(endOfDay('2026-12-03'));
    const [received] = await server.runtime.deps.sql<{ body: string }[]>`
      select o.body from outbox o join applications a on a.id = o.application_id where a.ain = ${ain} and o.template = 'received' and o.channel = 'sms'`;
    expect(received!.body).toContain('সিদ্ধান্ত 03-12-2026 এর মধ্যে');
    const [work] = await server.runtime.deps.sql<{ body: string }[]>`
      select o.body from outbox o join applications a on a.id = o.application_id where a.ain = ${ain} and o.template = 'new_work' and o.channel = 'email'`;
    expect(work!.body).toContain('28-11-2026');

    const bdo = await as('demo-bdo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    expect(await slaOf(ain)).toMatchObject({ stepDueAt: new Date(endOfDay('2026-12-02')), l1DueAt: new Date(endOfDay('2026-12-03')) });
    // The BDO's queue shows the step's due date, the citizen's list the decision's.
    const queue = (await bdo.get('/api/applications')).body.applications.find((a: { ain: string }) => a.ain === ain);
    expect(queue.dueAt).toBe(endOfDay('2026-12-02'));
    const mine = (await (await as('demo-citizen')).get('/api/applications')).body.applications.find((a: { ain: string }) => a.ain === ain);
    expect(mine.dueAt).toBe(endOfDay('2026-12-03'));

    const eo = await as('demo-eo');
    const report = await eo.post(`/api/applications/${ain}/report`, { version: 2, visitedAt: server.clock.now().toISOString(), findings: 'Lives at the address with family for 20 years.', recommendation: 'recommend', position: { latitude: 22.72, longitude: 88.48, accuracy: 12 }, photos: [] }, { 'idempotency-key': idempotencyKey() });
    expect(report.status).toBe(201);
    expect(await slaOf(ain)).toMatchObject({ stepDueAt: new Date(endOfDay('2026-12-03')), l1DueAt: new Date(endOfDay('2026-12-04')) });
  });

  test('a holiday the administrator adds moves the due dates of what is submitted after it', async () => {
    const admin = await as('demo-admin');
    const added = await admin.post('/api/holidays', { day: '2026-11-28', name: 'Local holiday (test)' });
    expect(added.status).toBe(201);
    const ain = await apply();
    expect((await slaOf(ain)).stepDueAt!.toISOString()).toBe(endOfDay('2026-11-30'));
    expect((await admin.request('DELETE', '/api/holidays/2026-11-28', { headers: { origin: server.origin } })).status).toBe(204);
  });
});

describe('the sweeper', () => {
  test('a missed due time is recorded once with two sweepers running, and the L1 officer (the DM) is told on every channel', async () => {
    const ain = await apply();
    server.clock.advance(40 * HOUR); // Saturday night, past T+1
    const [a, b] = await Promise.all([sweep(server.runtime.deps), sweep(server.runtime.deps)]);
    expect(await breachesOf(ain)).toEqual([{ step: 'scrutiny', level: 'responsible', escalatedTo: 'dm' }]);
    expect(a.breaches + b.breaches).toBeGreaterThanOrEqual(1);
    const told = await messagesOf(ain, 'escalation');
    expect(told.map((m) => `${m.userId}:${m.channel}`).sort()).toEqual(['demo-dm:email', 'demo-dm:sms']);
    await sweep(server.runtime.deps);
    expect(await breachesOf(ain)).toHaveLength(1);
    expect(await messagesOf(ain, 'escalation')).toHaveLength(2);

    // Past L1's own time (T+3): the DM and the administrator are alerted, once.
    server.clock.advance(72 * HOUR);
    await Promise.all([sweep(server.runtime.deps), sweep(server.runtime.deps)]);
    expect(await breachesOf(ain)).toEqual([
      { step: 'scrutiny', level: 'responsible', escalatedTo: 'dm' },
      { step: 'scrutiny', level: 'l1', escalatedTo: 'dm' }
    ]);
    const l1 = (await messagesOf(ain, 'escalation')).slice(2);
    expect(l1.map((m) => `${m.userId}:${m.channel}`).sort()).toEqual(['demo-admin:sms', 'demo-dm:email', 'demo-dm:sms']);
  });

  test('the responsible officer is reminded on the morning of the due day, once', async () => {
    const ain = await apply();
    const due = (await slaOf(ain)).stepDueAt!;
    const morning = due.getTime() + 1 - 15 * HOUR; // 09:00 in Kolkata on the due day
    server.clock.advance(morning - 60_000 - server.clock.now().getTime());
    await sweep(server.runtime.deps);
    expect(await messagesOf(ain, 'reminder')).toHaveLength(0);
    server.clock.advance(60_000);
    await Promise.all([sweep(server.runtime.deps), sweep(server.runtime.deps)]);
    expect((await messagesOf(ain, 'reminder')).map((m) => `${m.userId}:${m.channel}`)).toEqual(['demo-bdo:email']);
    await sweep(server.runtime.deps);
    expect(await messagesOf(ain, 'reminder')).toHaveLength(1);
  });

  test('an enquiry reassigned after its reminder reminds the new Enquiry Officer too', async () => {
    const sql = server.runtime.deps.sql;
    await sql`update users set email = 'eo@example.org' where id = 'demo-eo'`;
    await insertUser(sql, { id: 'eo-barasat-2', role: 'eo', officeId: 'n24pgs/barasat-sadar/barasat-i', mobile: '+919830090003' });
    await sql`update users set email = 'eo2@example.org' where id = 'eo-barasat-2'`;
    const ain = await apply();
    expect((await (await as('demo-bdo')).post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const due = (await slaOf(ain)).stepDueAt!;
    server.clock.advance(due.getTime() + 1 - 15 * HOUR - server.clock.now().getTime()); // 09:00 on the enquiry's due day
    await sweep(server.runtime.deps);
    expect((await (await as('demo-bdo')).post(`/api/applications/${ain}/actions`, { action: 'reassign_eo', version: 2, eoId: 'eo-barasat-2' })).status).toBe(200);
    await sweep(server.runtime.deps);
    expect((await messagesOf(ain, 'reminder')).map((m) => `${m.userId}:${m.channel}`)).toEqual(['demo-eo:email', 'eo-barasat-2:email']);
  });

  test('the clock stops while an application is sent back, and starts again from the resubmission', async () => {
    const ain = await apply();
    const bdo = await as('demo-bdo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'send_back', version: 1, remarks: 'Upload a clearer residence certificate.' })).status).toBe(200);
    expect(await slaOf(ain)).toMatchObject({ status: 'sent_back', stepDueAt: null, l1DueAt: null });
    server.clock.advance(10 * 24 * HOUR);
    await sweep(server.runtime.deps);
    expect(await breachesOf(ain)).toEqual([]);

    const citizen = await as('demo-citizen');
    const detail = (await citizen.get(`/api/applications/${ain}`)).body;
    const res = await citizen.post(`/api/applications/${ain}/resubmit`, { version: detail.version, applicant: validApplicant(), documents: detail.documents.map((d: { id: string }) => d.id) }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(200);
    const s = await slaOf(ain);
    expect(s.slaStartedAt.getTime()).toBe(server.clock.now().getTime());
    expect(s.stepDueAt!.getTime()).toBeGreaterThan(server.clock.now().getTime());
    await sweep(server.runtime.deps);
    expect(await breachesOf(ain)).toEqual([]);
  });
});

describe('steps left late, and steps begun again', () => {
  test('a step finished after its due time but before any sweep is still recorded as missed, and nobody is alerted', async () => {
    const ain = await apply();
    server.clock.advance(40 * HOUR); // past T+1, no sweep has run
    const bdo = await as('demo-bdo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    expect(await breachesOf(ain)).toEqual([{ step: 'scrutiny', level: 'responsible', escalatedTo: 'dm' }]);
    expect(await messagesOf(ain, 'escalation')).toEqual([]);
  });

  test('a re-enquiry gives the Enquiry Officer a fresh window instead of a due time already past', async () => {
    const ain = await apply();
    expect((await (await as('demo-bdo')).post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const report = await (await as('demo-eo')).post(`/api/applications/${ain}/report`, { version: 2, visitedAt: server.clock.now().toISOString(), findings: 'Neighbours confirm twenty years at the address.', recommendation: 'recommend', position: { latitude: 22.72, longitude: 88.48, accuracy: 12 }, photos: [] }, { 'idempotency-key': idempotencyKey() });
    expect(report.status).toBe(201);
    server.clock.advance(6 * 24 * HOUR); // well past T+4 and T+5
    expect((await (await as('demo-bdo')).post(`/api/applications/${ain}/actions`, { action: 're_enquire', version: 3, remarks: 'Visit again: the neighbour named is a relative.' })).status).toBe(200);
    const s = await slaOf(ain);
    expect(s.stepDueAt!.getTime()).toBeGreaterThan(server.clock.now().getTime() + 2 * 24 * HOUR);
    await sweep(server.runtime.deps);
    expect((await breachesOf(ain)).filter((b) => b.step === 'enquiry')).toEqual([]);
  });
});

describe('the higher offices see escalations of their jurisdiction only (seed feature 7)', () => {
  test('DM and SDO of the block see it, another subdivision does not; the BDO sees the enquiries that missed their time', async () => {
    const scrutiny = await apply();
    const enquiry = await apply();
    expect((await (await as('demo-bdo')).post(`/api/applications/${enquiry}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    server.clock.advance(6 * 24 * HOUR);
    await sweep(server.runtime.deps);

    const seen = async (userId: string) => {
      const res = await (await as(userId)).get('/api/sla/escalations');
      return { status: res.status, ains: new Set((res.body.breaches ?? []).map((b: { ain: string }) => b.ain)), body: res.body };
    };
    const dm = await seen('demo-dm');
    expect(dm.ains.has(scrutiny) && dm.ains.has(enquiry)).toBe(true);
    const barasat = dm.body.blocks.find((b: { officeId: string }) => b.officeId === 'n24pgs/barasat-sadar/barasat-i');
    // Counted in applications, not breaches: each of these is past its own time and L1's, and counts once.
    const liveAins = new Set(dm.body.breaches.filter((b: { officeId: string }) => b.officeId === 'n24pgs/barasat-sadar/barasat-i').map((b: { ain: string }) => b.ain));
    expect(barasat.live).toBe(liveAins.size);
    expect(dm.body.breaches.filter((b: { ain: string }) => b.ain === scrutiny).map((b: { level: string }) => b.level).sort()).toEqual(['l1', 'responsible']);
    expect(dm.body.blocks).toHaveLength(22 + 26); // 22 blocks and 26 municipal areas (issue 13)
    const sdo = await seen('demo-sdo');
    expect(sdo.ains.has(scrutiny) && sdo.ains.has(enquiry)).toBe(true);
    expect(sdo.body.blocks).toHaveLength(7 + 5); // 7 blocks and 5 municipal areas (issue 13)
    expect((await seen('sdo-basirhat')).ains.size).toBe(0);
    const bdo = await seen('demo-bdo');
    expect(bdo.ains.has(enquiry)).toBe(true);
    expect(bdo.ains.has(scrutiny)).toBe(false); // escalated to the DM, not to the BDO
    expect((await seen('bdo-deganga')).ains.size).toBe(0);
    for (const who of ['demo-eo', 'demo-citizen', 'demo-operator', 'demo-admin']) expect((await seen(who)).status).toBe(403);
    const otherBlock = await (await as('sdo-basirhat')).get('/api/sla/escalations?office=n24pgs/barasat-sadar/barasat-i');
    expect(otherBlock.status).toBe(403);

    // Acknowledged by the officer it went to, with a comment; once.
    const breach = dm.body.breaches.find((b: { ain: string; level: string }) => b.ain === scrutiny && b.level === 'responsible');
    expect((await (await as('demo-sdo')).post(`/api/sla/breaches/${breach.id}/acknowledge`, { comment: 'Asked the BDO to clear it today.' })).status).toBe(403);
    const dmClient = await as('demo-dm');
    expect((await dmClient.post(`/api/sla/breaches/${breach.id}/acknowledge`, { comment: 'x' })).status).toBe(400);
    expect((await dmClient.post(`/api/sla/breaches/${breach.id}/acknowledge`, { comment: 'Asked the BDO to clear it today.' })).status).toBe(200);
    expect((await dmClient.post(`/api/sla/breaches/${breach.id}/acknowledge`, { comment: 'Asked the BDO to clear it today.' })).status).toBe(409);
    const after = (await dmClient.get('/api/sla/escalations')).body.breaches.find((b: { id: string }) => b.id === breach.id);
    expect(after).toMatchObject({ acknowledgedBy: 'Demo DM North 24 Parganas', comment: 'Asked the BDO to clear it today.' });
  });
});

describe('at start', () => {
  test('a package holiday the administrator removed stays removed when the server starts again', async () => {
    const admin = await as('demo-admin');
    expect((await admin.request('DELETE', '/api/holidays/2027-01-12', { headers: { origin: server.origin } })).status).toBe(204);
    expect(await seedStateHolidays(server.runtime.deps.sql, new Date('2026-11-27T05:00:00Z'))).toBe(0); // 2026 and 2027, seeded at start
    expect((await server.runtime.deps.sql`select 1 from holidays where day = '2027-01-12'`).length).toBe(0);
  });

  test("a start that fails while seeding a new year's holidays leaves the year to the next start", async () => {
    const sql = server.runtime.deps.sql;
    const at = new Date('2028-03-01T05:00:00Z'); // 2028 and 2029 are not seeded yet
    // The database fails at the first insert of days, as a start that dies there would.
    const failing = Object.assign(
      (strings: TemplateStringsArray, ...values: unknown[]) => {
        if (strings.join('').includes('insert into holidays')) return Promise.reject(new Error('connection lost'));
        return (sql as unknown as (s: TemplateStringsArray, ...v: unknown[]) => Promise<unknown>)(strings, ...values);
      },
      { json: sql.json.bind(sql) }
    ) as unknown as typeof sql;
    await expect(seedStateHolidays(failing, at)).rejects.toThrow('connection lost');
    expect(await sql`select name from server_keys where name in ('holidays-seeded-2028', 'holidays-seeded-2029')`).toEqual([]);
    expect(await seedStateHolidays(sql, at)).toBeGreaterThanOrEqual(20);
    expect((await sql`select 1 from holidays where day = '2028-01-23'`).length).toBe(1);
    expect(await seedStateHolidays(sql, at)).toBe(0);
  });

  test('an open application filed before the SLA existed gets its due times from the rules', async () => {
    const ain = await apply();
    const expected = await slaOf(ain);
    await server.runtime.deps.sql`update applications set step_due_at = null, l1_due_at = null where ain = ${ain}`;
    expect(await fillMissingDues(server.runtime.deps.sql, 'working')).toBeGreaterThanOrEqual(1);
    expect(await slaOf(ain)).toMatchObject({ stepDueAt: expected.stepDueAt, l1DueAt: expected.l1DueAt });
  });
});

describe('holidays (administrator)', () => {
  test('West Bengal holidays are seeded from date-holidays; only the administrator adds or removes; bad input is named', async () => {
    const list = (await (await as('demo-dm')).get('/api/holidays?year=2026')).body;
    expect(list.holidays).toContainEqual({ day: '2026-01-23', name: 'Netaji Subhas Chandra Bose Jayanti', source: expect.stringMatching(/^date-holidays .* \(IN-WB\)$/) });
    expect((await (await as('demo-dm')).get('/api/holidays?year=2027')).body.holidays.length).toBeGreaterThanOrEqual(10);
    const admin = await as('demo-admin');
    expect((await admin.post('/api/holidays', { day: '2026-10-20', name: 'Durga Puja (Dashami)' })).status).toBe(201);
    const again = await admin.post('/api/holidays', { day: '2026-10-20', name: 'Durga Puja (Dashami)' });
    expect(again.status).toBe(409);
    const bad = await admin.post('/api/holidays', { day: '2026-02-30', name: '' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['day', 'name']);
    // A date, but not a day of this service: the holidays page lists 2000 to 2100.
    for (const day of ['0001-01-01', '9999-12-31']) {
      const far = await admin.post('/api/holidays', { day, name: 'Far away' });
      expect([far.status, far.body.error.fields]).toEqual([400, { day: 'Enter a date between 2000 and 2100.' }]);
    }
    expect((await (await as('demo-dm')).post('/api/holidays', { day: '2026-10-21', name: 'Ekadashi' })).status).toBe(403);
    expect((await admin.request('DELETE', '/api/holidays/2026-10-20', { headers: { origin: server.origin } })).status).toBe(204);
    expect((await admin.request('DELETE', '/api/holidays/2026-10-20', { headers: { origin: server.origin } })).status).toBe(404);
  });
});
