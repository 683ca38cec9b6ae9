// Staff who come and go, and acting charge (issue 13 items 1 and 2; DESIGN §13), over real HTTP and a real database.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;
let admin: Client;
let dm: Client;
let sdo: Client;

const barasatI = 'n24pgs/barasat-sadar/barasat-i';
const deganga = 'n24pgs/barasat-sadar/deganga';
const day = 86_400_000;

/** Sessions end after hours idle: after moving the clock by days, everyone logs in again. */
async function logInAll() {
  [citizen, bdo, admin, dm, sdo] = (await Promise.all(['demo-citizen', 'demo-bdo', 'demo-admin', 'demo-dm', 'demo-sdo'].map((id) => loginClient(server.url, id)))) as [Client, Client, Client, Client, Client];
}

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  await logInAll();
  const sql = server.runtime.deps.sql;
  await insertUser(sql, { id: 'eo-leaving', role: 'eo', officeId: barasatI, mobile: '+919830070001' });
  await insertUser(sql, { id: 'eo-moving', role: 'eo', officeId: barasatI, mobile: '+919830070002' });
  await insertUser(sql, { id: 'bdo-deganga', role: 'bdo', officeId: deganga, mobile: '+919830070003', name: 'Arup Ghosh' });
  await insertUser(sql, { id: 'eo-deganga', role: 'eo', officeId: deganga, mobile: '+919830070004' });
  await insertUser(sql, { id: 'sdo-barrackpore', role: 'sdo', officeId: 'n24pgs/barrackpore', mobile: '+919830070005' });
  await insertUser(sql, { id: 'eo-role-change', role: 'eo', officeId: deganga, mobile: '+919830070006' });
  await insertUser(sql, { id: 'eo-acting', role: 'eo', officeId: barasatI, mobile: '+919830070007' });
}, 120_000);
afterAll(() => server?.close());

async function newApplication(): Promise<string> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

const act = (who: Client, ain: string, body: Record<string, unknown>) => who.post(`/api/applications/${ain}/actions`, body);
const today = () => new Date(server.clock.now().getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10);
const plusDays = (n: number) => new Date(server.clock.now().getTime() + 5.5 * 3_600_000 + n * day).toISOString().slice(0, 10);

describe('deactivation (issue 13 item 1)', () => {
  test("the administrator deactivates an EO: the EO's session ends at once, login is refused, the enquiry is listed for reassignment", async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'eo-leaving' })).status).toBe(200);
    const eo = await loginClient(server.url, 'eo-leaving');
    expect((await eo.get('/api/auth/me')).status).toBe(200);

    const res = await admin.post('/api/users/eo-leaving/deactivate', { reason: 'Retired on superannuation' });
    expect(res.status).toBe(200);
    expect(res.body.openWork).toEqual([{ ain, status: 'under_enquiry', officeId: barasatI, kind: 'enquiry' }]);
    // The session the EO already had answers 401 now, and so does a fresh login with the right password.
    expect((await eo.get('/api/auth/me')).status).toBe(401);
    const login = await new Client(server.url).post('/api/auth/login', { login: 'eo-leaving', password: 'demo-password' });
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('account_deactivated');
    // The BDO can no longer give the deactivated EO work, and reassigns the enquiry to another EO of the block.
    expect((await act(bdo, ain, { action: 'reassign_eo', version: 2, eoId: 'eo-leaving' })).status).toBe(400);
    expect((await act(bdo, ain, { action: 'reassign_eo', version: 2, eoId: 'demo-eo' })).status).toBe(200);

    const again = await admin.post('/api/users/eo-leaving/deactivate', { reason: 'Retired on superannuation' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_deactivated');

    expect((await admin.post('/api/users/eo-leaving/reactivate', { reason: 'Re-employed on contract' })).status).toBe(200);
    expect((await new Client(server.url).post('/api/auth/login', { login: 'eo-leaving', password: 'demo-password' })).status).toBe(200);

    const page = await admin.get('/api/users/eo-leaving');
    expect(page.status).toBe(200);
    expect(page.body.changes.map((c: { action: string }) => c.action)).toEqual(['reactivate', 'deactivate']);
    expect(page.body.changes[1]).toMatchObject({ remarks: 'Retired on superannuation', byName: 'Demo Administrator' });
  });

  test('the DM manages the staff of the district, but not another DM, an administrator, or himself; other roles cannot', async () => {
    expect((await dm.post('/api/users/eo-deganga/deactivate', { reason: 'Absent without leave' })).status).toBe(200);
    expect((await dm.post('/api/users/eo-deganga/reactivate', { reason: 'Rejoined duty' })).status).toBe(200);
    expect((await dm.post('/api/users/demo-admin/deactivate', { reason: 'Trying something' })).status).toBe(403);
    const self = await dm.post('/api/users/demo-dm/deactivate', { reason: 'Trying something' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('staff_self');
    for (const who of [bdo, sdo, citizen]) expect((await who.post('/api/users/eo-deganga/deactivate', { reason: 'Trying something' })).status).toBe(403);
    expect((await admin.post('/api/users/demo-citizen/deactivate', { reason: 'Not staff at all' })).status).toBe(404);
    const short = await admin.post('/api/users/eo-deganga/deactivate', { reason: 'x' });
    expect(short.status).toBe(400);
    expect(Object.keys(short.body.error.fields)).toEqual(['reason']);
  });
});

describe('transfer and change of role (issue 13 item 1)', () => {
  test('a transferred EO leaves the enquiry with the office: listed for reassignment, and no longer theirs to report', async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'eo-moving' })).status).toBe(200);
    const res = await dm.post('/api/users/eo-moving/posting', { officeId: deganga, remarks: 'Transferred by order 12/2026' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'eo', officeId: deganga, openWork: [{ ain, kind: 'enquiry' }] });
    const eo = await loginClient(server.url, 'eo-moving');
    const report = await eo.post(`/api/applications/${ain}/report`, {
      version: 2,
      visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      findings: 'Met the applicant at the address given in the form.',
      recommendation: 'recommend',
      locationNote: 'Kazipara',
      photos: []
    }, { 'idempotency-key': idempotencyKey() });
    expect(report.status).toBe(403);
    expect((await eo.get(`/api/applications/${ain}`)).status).toBe(403);
    // The application is still Barasat I's, in the BDO's queue.
    expect((await bdo.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    const page = (await admin.get('/api/users/eo-moving')).body;
    expect(page.changes[0]).toMatchObject({ action: 'transfer', fromOfficeId: barasatI, toOfficeId: deganga, remarks: 'Transferred by order 12/2026' });
  });

  test('a change of role posts the officer to an office that fits it; a mismatched office is refused and nothing changes', async () => {
    const wrong = await admin.post('/api/users/eo-role-change/posting', { role: 'sdo', officeId: deganga, remarks: 'Promoted to SDO' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toEqual({ officeId: 'Choose an office that matches the role.' });
    const res = await admin.post('/api/users/eo-role-change/posting', { role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga', remarks: 'Promoted to BDO' });
    expect(res.status).toBe(200);
    const me = (await (await loginClient(server.url, 'eo-role-change')).get('/api/auth/me')).body.user;
    expect(me).toMatchObject({ role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga' });
    const same = await admin.post('/api/users/eo-role-change/posting', { role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga', remarks: 'Promoted to BDO' });
    expect(same.status).toBe(409);
    expect((await dm.post('/api/users/eo-role-change/posting', { role: 'dm', officeId: 'n24pgs', remarks: 'Made a DM' })).status).toBe(403);
  });
});

describe('acting charge (issue 13 item 2)', () => {
  test("the SDO puts Deganga's BDO in charge of Barasat I: he sees its queue and approves; audit and certificate say \"for Block Development Officer, Barasat I\"; then the charge ends by itself", async () => {
    const ain = await newApplication();
    let acting = await loginClient(server.url, 'bdo-deganga');
    // Before the charge: not his block.
    expect((await act(acting, ain, { action: 'approve', version: 1, remarks: 'No field enquiry needed: the documents settle residence.' })).status).toBe(403);
    expect((await acting.get(`/api/applications/${ain}`)).status).toBe(403);

    // A charge to the end of time is a date, but not a day anyone means.
    const forever = await sdo.post('/api/acting-charges', { officeId: barasatI, role: 'bdo', actingUserId: 'bdo-deganga', startsOn: today(), endsOn: '9999-12-31', reason: 'BDO Barasat I on earned leave' });
    expect([forever.status, forever.body.error?.fields]).toEqual([400, { endsOn: 'Enter a date between 2000 and 2100.' }]);
    const charge = await sdo.post('/api/acting-charges', { officeId: barasatI, role: 'bdo', actingUserId: 'bdo-deganga', startsOn: today(), endsOn: plusDays(1), reason: 'BDO Barasat I on earned leave' });
    expect(charge.status).toBe(201);
    expect(charge.body).toMatchObject({ officeId: barasatI, role: 'bdo', actingUserId: 'bdo-deganga', endedAt: null });

    expect((await acting.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    const detail = await acting.get(`/api/applications/${ain}`);
    expect(detail.status).toBe(200);
    expect(detail.body.actions).toContain('approve');
    const approved = await act(acting, ain, { action: 'approve', version: 1, remarks: 'No field enquiry needed: the documents settle residence.' });
    expect(approved.status).toBe(200);

    const pdf = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } });
    expect(pdf.status).toBe(200);
    expect(actualText(new Uint8Array(await pdf.arrayBuffer()))).toContain('for Block Development Officer, Barasat I');
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ id: string }[]>`select id::text from applications where ain = ${ain}`;
    const events = await listEvents(sql, row!.id);
    expect(events.at(-1)).toMatchObject({ action: 'approve', actorId: 'bdo-deganga', capacity: 'for Block Development Officer, Barasat I' });
    expect(verifyChain(events)).toBeNull();
    expect((await admin.get('/api/users/bdo-deganga')).body.changes[0]).toMatchObject({ action: 'acting_charge', toOfficeId: barasatI });

    // Two days later the charge has run out: nothing more in Barasat I.
    const next = await newApplication();
    server.clock.advance(2 * day);
    await logInAll();
    acting = await loginClient(server.url, 'bdo-deganga');
    expect((await act(acting, next, { action: 'approve', version: 1, remarks: 'No field enquiry needed: the documents settle residence.' })).status).toBe(403);
    expect((await acting.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).not.toContain(next);
  });

  test("an officer in the SDO's charge lists only what the charge lets him open: the subdivision's municipal areas, not its blocks", async () => {
    const ain = await newApplication(); // Barasat I, a block: its BDO's, not the SDO's to decide
    const charge = await dm.post('/api/acting-charges', { officeId: 'n24pgs/barasat-sadar', role: 'sdo', actingUserId: 'bdo-deganga', startsOn: today(), endsOn: plusDays(1), reason: 'SDO Barasat Sadar on training' });
    expect(charge.status, JSON.stringify(charge.body)).toBe(201);
    const acting = await loginClient(server.url, 'bdo-deganga');
    const listed = (await acting.get('/api/applications')).body.applications as { ain: string; officeId: string }[];
    expect(listed.map((a) => a.ain)).not.toContain(ain);
    // Whatever the list shows, the charge opens (the list and authorityOver describe the same charge).
    for (const a of listed) expect({ ain: a.ain, status: (await acting.get(`/api/applications/${a.ain}`)).status }).toEqual({ ain: a.ain, status: 200 });
    expect((await dm.post(`/api/acting-charges/${charge.body.id}/end`, {})).status).toBe(200);
  });

  test("an acting EO reports on the absent EO's enquiry; the superior ends the charge early", async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const charge = await sdo.post('/api/acting-charges', { officeId: barasatI, role: 'eo', absentUserId: 'demo-eo', actingUserId: 'eo-acting', startsOn: today(), endsOn: plusDays(3), reason: 'EO on medical leave' });
    expect(charge.status).toBe(201);
    const eo = await loginClient(server.url, 'eo-acting');
    expect((await eo.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    const report = await eo.post(`/api/applications/${ain}/report`, {
      version: 2,
      visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      findings: 'Met the applicant and a neighbour at the address given.',
      recommendation: 'recommend',
      locationNote: 'Kazipara',
      photos: []
    }, { 'idempotency-key': idempotencyKey() });
    expect(report.status).toBe(201);
    const ended = await sdo.post(`/api/acting-charges/${charge.body.id}/end`, {});
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).not.toBeNull();
    expect((await sdo.post(`/api/acting-charges/${charge.body.id}/end`, {})).status).toBe(409);
    expect((await eo.get('/api/acting-charges')).body.charges).toEqual([]);
  });

  test('only the superior assigns: not the BDO, not another subdivision\'s SDO; the dates and the acting officer are checked', async () => {
    const body = { officeId: barasatI, role: 'bdo', actingUserId: 'bdo-deganga', startsOn: today(), endsOn: plusDays(1), reason: 'BDO Barasat I on earned leave' };
    expect((await bdo.post('/api/acting-charges', body)).status).toBe(403);
    expect((await (await loginClient(server.url, 'sdo-barrackpore')).post('/api/acting-charges', body)).status).toBe(403);
    expect((await sdo.post('/api/acting-charges', { ...body, role: 'sdo', officeId: 'n24pgs/barasat-sadar' })).status).toBe(403);
    const backwards = await sdo.post('/api/acting-charges', { ...body, startsOn: plusDays(2), endsOn: plusDays(1) });
    expect(backwards.status).toBe(400);
    expect(Object.keys(backwards.body.error.fields)).toEqual(['endsOn']);
    const citizenActing = await sdo.post('/api/acting-charges', { ...body, actingUserId: 'demo-citizen' });
    expect(citizenActing.status).toBe(400);
    expect(Object.keys(citizenActing.body.error.fields)).toEqual(['actingUserId']);
    await admin.post('/api/users/eo-deganga/deactivate', { reason: 'Suspended pending enquiry' });
    const deactivated = await sdo.post('/api/acting-charges', { ...body, role: 'eo', absentUserId: 'demo-eo', actingUserId: 'eo-deganga' });
    expect(deactivated.status).toBe(400);
    expect((await dm.post('/api/acting-charges', { ...body, role: 'sdo', officeId: 'n24pgs/barasat-sadar', actingUserId: 'sdo-barrackpore' })).status).toBe(201);
  });
});
