// The counter network (issue 13 item 4; DESIGN §13) over real HTTP and a real database: counters added, edited,
// closed and found; operators attached; a print after the identity check at the counter, audited; "Collected" with
// who collected it, only for an issued, unrevoked certificate.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;
let admin: Client;
let dm: Client;

const deganga = 'n24pgs/barasat-sadar/deganga';
const collector = { name: 'Haripada Das', relation: 'father', idType: 'epic', idLast4: 'X921' };

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  [citizen, bdo, admin, dm] = (await Promise.all(['demo-citizen', 'demo-bdo', 'demo-admin', 'demo-dm'].map((id) => loginClient(server.url, id)))) as [Client, Client, Client, Client];
  const sql = server.runtime.deps.sql;
  await insertUser(sql, { id: 'op-new', role: 'operator', officeId: 'n24pgs/kiosk', mobile: '+919830060001' });
  await insertUser(sql, { id: 'op-basirhat', role: 'operator', officeId: 'n24pgs/basirhat/kiosk', mobile: '+919830060002' });
}, 120_000);
afterAll(() => server?.close());

/** A web applicant's application, approved by the BDO: the certificate a counter elsewhere will print. */
async function approvedWebApplication(): Promise<string> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  expect((await bdo.post(`/api/applications/${res.body.ain}/actions`, { action: 'approve', version: 1, remarks: 'No field enquiry needed: the documents settle residence.' })).status).toBe(200);
  return res.body.ain;
}

async function latestCode(): Promise<string> {
  const { messages } = (await new Client(server.url).get('/api/dev/outbox')).body as { messages: { recipient: string; channel: string; body: string }[] };
  // In the applicant's language: "Code 123456 …", "কোড 123456 …", "कोड 123456 …".
  const code = /^(?:Code|কোড|कोड) (\d{6})/;
  const sms = messages.find((m) => m.channel === 'sms' && m.recipient === '+919000000001' && code.test(m.body));
  return code.exec(sms!.body)![1]!;
}

const csc = { kind: 'csc', code: 'C07', parentId: deganga, nameEn: 'Tathya Mitra Kendra, Deganga Bazar', address: 'Deganga Bazar, near the post office', pin: '743423', hours: 'Mon–Sat 10:00–18:00' };

describe('counters: added, edited, found, closed (issue 13 item 4)', () => {
  test('the administrator adds a CSC; citizens find it by block and by PIN; the DM edits it', async () => {
    const res = await admin.post('/api/counters', csc);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'csc', code: 'C07', parentId: deganga, pin: '743423', closedAt: null });
    const byBlock = (await new Client(server.url).get(`/api/counters?block=${encodeURIComponent(deganga)}`)).body.counters as { id: string }[];
    // The block's CSC, the subdivision's kiosk and the DM's kiosk all serve Deganga.
    expect(byBlock.map((c) => c.id).sort()).toEqual([res.body.id, 'n24pgs/barasat-sadar/kiosk', 'n24pgs/kiosk'].sort());
    const byPin = (await new Client(server.url).get('/api/counters?pin=743423')).body.counters as { id: string }[];
    expect(byPin.map((c) => c.id)).toEqual([res.body.id]);
    const edited = await dm.request('PATCH', `/api/counters/${encodeURIComponent(res.body.id)}`, { body: JSON.stringify({ hours: 'Mon–Sun 09:00–19:00' }), headers: { 'content-type': 'application/json', origin: server.origin } });
    expect(edited.status).toBe(200);
    expect(edited.body.hours).toBe('Mon–Sun 09:00–19:00');
    const again = await admin.post('/api/counters', csc);
    expect(again.status).toBe(409);
    expect(Object.keys(again.body.error.fields)).toEqual(['code']);
  });

  test('bad input is refused field by field; only the administrator and the DM manage counters', async () => {
    const bad = await admin.post('/api/counters', { ...csc, code: 'c-8', pin: '12345', parentId: 'n24pgs/barasat-sadar' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['code', 'pin']);
    const wrongParent = await admin.post('/api/counters', { ...csc, code: 'C08', parentId: 'n24pgs/barasat-sadar' });
    expect(wrongParent.status).toBe(400);
    expect(Object.keys(wrongParent.body.error.fields)).toEqual(['parentId']);
    for (const who of [bdo, citizen]) expect((await who.post('/api/counters', { ...csc, code: 'C09' })).status).toBe(403);
    expect((await new Client(server.url).get('/api/counters')).status).toBe(400);
  });

  test('the DM attaches an operator to a kiosk and closes another counter: it is no longer found and prints nothing', async () => {
    const kiosk = await dm.post('/api/counters', { ...csc, kind: 'kiosk', code: 'K11', parentId: 'n24pgs/barasat-sadar', nameEn: 'Kiosk, Barasat Court', pin: '700124' });
    expect(kiosk.status).toBe(201);
    expect((await dm.post(`/api/counters/${encodeURIComponent(kiosk.body.id)}/operators`, { userId: 'op-new' })).status).toBe(200);
    const detail = await dm.get(`/api/counters/${encodeURIComponent(kiosk.body.id)}`);
    expect(detail.body.operators.map((o: { id: string }) => o.id)).toEqual(['op-new']);
    expect((await admin.get('/api/users/op-new')).body.changes[0]).toMatchObject({ action: 'attach_counter', toOfficeId: kiosk.body.id });
    expect((await dm.post(`/api/counters/${encodeURIComponent(kiosk.body.id)}/operators`, { userId: 'demo-citizen' })).status).toBe(400);

    expect((await dm.post(`/api/counters/${encodeURIComponent(kiosk.body.id)}/close`, {})).status).toBe(200);
    expect((await new Client(server.url).get('/api/counters?pin=700124')).body.counters.map((c: { id: string }) => c.id)).not.toContain(kiosk.body.id);
    const ain = await approvedWebApplication();
    const closed = await (await loginClient(server.url, 'op-new')).post('/api/counter/identity-checks', { method: 'otp', ain });
    expect(closed.status).toBe(403);
    expect(closed.body.error.code).toBe('counter_closed');
  });
});

test("the counters page's list: every counter the manager may change, closed ones too, and the operators to attach", async () => {
  const res = await dm.get('/api/counters/managed');
  expect(res.status).toBe(200);
  const counters = res.body.counters as { id: string; closedAt: string | null }[];
  expect(counters.map((c) => c.id)).toEqual(expect.arrayContaining(['n24pgs/kiosk', 'n24pgs/barasat-sadar/barasat-i/csc-1']));
  // Open ones first, then the closed (the kiosk closed in the test above).
  const open = counters.map((c) => c.closedAt === null);
  expect(open).toEqual([...open].sort((a, b) => Number(b) - Number(a)));
  expect(open).toContain(false);
  const operators = res.body.operators as { id: string; officeId: string }[];
  expect(operators).toEqual(expect.arrayContaining([{ id: 'demo-operator', name: 'Demo CSC Operator', officeId: 'n24pgs/barasat-sadar/barasat-i/csc-1' }]));
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect((await admin.get('/api/counters/managed')).status).toBe(200);
  for (const who of [bdo, citizen]) expect((await who.get('/api/counters/managed')).status).toBe(403);
});

describe('printing at any counter of the district after the identity check (issue 13 item 4)', () => {
  test("a kiosk in another subdivision prints a web applicant's certificate after the code sent to the applicant's mobile; the print is audited", async () => {
    const ain = await approvedWebApplication();
    const op = await loginClient(server.url, 'op-basirhat');
    // No print without a passed check.
    const started = await op.post('/api/counter/identity-checks', { method: 'otp', ain });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ verified: false, sentTo: '******0001' });
    const early = await op.post('/api/counter/prints', { checkId: started.body.checkId, copies: 1 });
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('identity_not_checked');
    const wrong = await op.post(`/api/counter/identity-checks/${started.body.checkId}/code`, { code: '000000' === (await latestCode()) ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect((await op.post(`/api/counter/identity-checks/${started.body.checkId}/code`, { code: await latestCode() })).status).toBe(200);

    const print = await fetch(`${server.url}/api/counter/prints`, {
      method: 'POST',
      headers: { cookie: op.cookie, 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ checkId: started.body.checkId, copies: 2 })
    });
    expect(print.status).toBe(200);
    expect(print.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await print.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ counterId: string; operatorId: string; copies: number }[]>`
      select p.counter_id, p.operator_id, p.copies from certificate_prints p join certificates c on c.certificate_no = p.certificate_no
      join applications a on a.id = c.application_id where a.ain = ${ain}`;
    expect(row).toEqual({ counterId: 'n24pgs/basirhat/kiosk', operatorId: 'op-basirhat', copies: 2 });
    const history = (await bdo.get(`/api/applications/${ain}`)).body.events as { action: string; remarks: string }[];
    expect(history.at(-1)).toMatchObject({ action: 'print_certificate' });
    expect(history.at(-1)!.remarks).toContain('2 copies');

    // The counter that printed it hands it over, recording who collected it.
    const handed = await op.post(`/api/applications/${ain}/actions`, { action: 'mark_delivered', version: 2, collector });
    expect(handed.status).toBe(200);
    const [collection] = await sql<{ collectorName: string; relation: string; idLast4: string; counterId: string }[]>`
      select collector_name, relation, id_last4, counter_id from certificate_collections k join certificates c on c.certificate_no = k.certificate_no
      join applications a on a.id = c.application_id where a.ain = ${ain}`;
    expect(collection).toEqual({ collectorName: 'Haripada Das', relation: 'father', idLast4: 'X921', counterId: 'n24pgs/basirhat/kiosk' });
  });

  test('by photo ID: the date of birth must match and the ID is recorded; a certificate not issued or revoked is not printed', async () => {
    const ain = await approvedWebApplication();
    const op = await loginClient(server.url, 'op-basirhat');
    const mismatch = await op.post('/api/counter/identity-checks', { method: 'photo_id', ain, dateOfBirth: '1990-01-01', idType: 'epic', idNumber: 'WB/01/123/456789' });
    expect(mismatch.status).toBe(422);
    const check = await op.post('/api/counter/identity-checks', { method: 'photo_id', ain, dateOfBirth: '1998-04-14', idType: 'epic', idNumber: 'wb/01/123/456789' });
    expect(check.status).toBe(201);
    expect(check.body.verified).toBe(true);
    const [recorded] = await server.runtime.deps.sql<{ idType: string; idNumber: string }[]>`select id_type, id_number from counter_identity_checks where id = ${check.body.checkId}`;
    expect(recorded).toEqual({ idType: 'epic', idNumber: 'WB/01/123/456789' });

    // Another operator cannot use this check.
    expect((await (await loginClient(server.url, 'demo-operator')).post('/api/counter/prints', { checkId: check.body.checkId, copies: 1 })).status).toBe(404);
    // Revoked: no print, and no hand-over.
    const [cert] = await server.runtime.deps.sql<{ certificateNo: string }[]>`
      select c.certificate_no from certificates c join applications a on a.id = c.application_id where a.ain = ${ain}`;
    expect((await dm.post(`/api/certificates/${cert!.certificateNo}/revoke`, { reason: 'Issued on a forged residence proof' })).status).toBe(200);
    const revoked = await op.post('/api/counter/prints', { checkId: check.body.checkId, copies: 1 });
    expect(revoked.status).toBe(410);
    const handOver = await bdo.post(`/api/applications/${ain}/actions`, { action: 'mark_delivered', version: 2, collector });
    expect(handOver.status).toBe(409);
    expect(handOver.body.error.code).toBe('certificate_revoked');

    const documents = await uploadDocumentSet(citizen, server.origin);
    const pending = (await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() })).body.ain;
    const notIssued = await op.post('/api/counter/identity-checks', { method: 'otp', ain: pending });
    expect(notIssued.status).toBe(409);
    expect(notIssued.body.error.code).toBe('certificate_not_issued');
    // Nobody but an operator prints; a collection without the collector's details is refused.
    expect((await bdo.post('/api/counter/identity-checks', { method: 'otp', ain })).status).toBe(403);
    const noCollector = await bdo.post(`/api/applications/${ain}/actions`, { action: 'mark_delivered', version: 2 });
    expect(noCollector.status).toBe(400);
  });
});
