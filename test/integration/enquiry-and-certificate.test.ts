// Seed steps 4–8 over real HTTP and a real database: the Enquiry Officer's report, approval with a signed
// certificate, verification and revocation, delivery at the counter, and resubmission after a send-back.
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { trustedCaPem } from '../../api/certificates/credentials.ts';
import { districtPublicKeyPem, openQrText } from '../../api/certificates/seal.ts';
import { verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { actualText, qrTextOf } from '../support/pdf.ts';
import { idempotencyKey, insertUser, loginClient, testJpeg, upload, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { expectRateLimited } from '../support/rate-limit.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;
let eo: Client;

const block = 'n24pgs/barasat-sadar/barasat-i';

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  eo = await loginClient(server.url, 'demo-eo');
  const sql = server.runtime.deps.sql;
  await insertUser(sql, { id: 'eo-barasat-2', role: 'eo', officeId: block, mobile: '+919830090001' });
  await insertUser(sql, { id: 'eo-deganga', role: 'eo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830090002' });
  await insertUser(sql, { id: 'bdo-deganga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830090003' });
  await insertUser(sql, { id: 'citizen-2', role: 'citizen', mobile: '+919830090004' });
  await sql`
    insert into offices (id, kind, code, name_en, name_bn, parent_id, district_id, subdivision_id)
    values ('n24pgs/barasat-sadar/deganga/csc-1', 'csc', 'C01', 'CSC, Deganga', 'সিএসসি, দেগঙ্গা', 'n24pgs/barasat-sadar/deganga', 'n24pgs', 'n24pgs/barasat-sadar')
    on conflict do nothing`;
  await insertUser(sql, { id: 'csc-deganga', role: 'operator', officeId: 'n24pgs/barasat-sadar/deganga/csc-1', mobile: '+919830090005' });
  await insertUser(sql, { id: 'csc-barasat', role: 'operator', officeId: `${block}/csc-1`, mobile: '+919830090006' });
  await insertUser(sql, { id: 'kiosk-barasat-sadar', role: 'operator', officeId: 'n24pgs/barasat-sadar/kiosk', mobile: '+919830090007' });
  await insertUser(sql, { id: 'kiosk-barrackpore', role: 'operator', officeId: 'n24pgs/barrackpore/kiosk', mobile: '+919830090008' });
}, 120_000);
afterAll(() => server?.close());

async function newApplication(overrides: Record<string, unknown> = {}): Promise<string> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(overrides), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

const act = (who: Client, ain: string, body: Record<string, unknown>) => who.post(`/api/applications/${ain}/actions`, body);
const version = async (ain: string) => (await bdo.get(`/api/applications/${ain}`)).body.version as number;

async function forwarded(eoId = 'demo-eo'): Promise<string> {
  const ain = await newApplication();
  expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId })).status).toBe(200);
  return ain;
}

function report(overrides: Record<string, unknown> = {}) {
  return {
    version: 2,
    visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(), // an hour before the server's (test) clock
    findings: 'Met the applicant and two neighbours at the address; she has lived here since childhood.',
    recommendation: 'recommend',
    position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
    photos: [],
    ...overrides
  };
}

const sendReport = (who: Client, ain: string, body: unknown, key = idempotencyKey()) => who.post(`/api/applications/${ain}/report`, body, { 'idempotency-key': key });

async function fieldPhoto(who: Client): Promise<string> {
  const res = await upload(who, server.origin, { bytes: await testJpeg(7, { exif: true }), name: 'visit.jpg', type: 'image/jpeg' }, 'field_photo');
  expect(res.status).toBe(201);
  return res.body.id;
}

async function download(who: Client, path: string): Promise<{ status: number; type: string | null; bytes: Uint8Array }> {
  const res = await fetch(server.url + path, { headers: { cookie: who.cookie } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

async function approved(): Promise<{ ain: string; certificateNo: string }> {
  const ain = await forwarded();
  expect((await sendReport(eo, ain, report())).status).toBe(201);
  const res = await act(bdo, ain, { action: 'approve', version: 3 });
  expect(res.status).toBe(200);
  return { ain, certificateNo: res.body.certificateNo };
}

describe("the Enquiry Officer's field report (seed step 4)", () => {
  test('the assigned EO reports with a photo and a GPS position; the BDO sees the report, its photo and the position', async () => {
    const earlier = await newApplication();
    const ain = await forwarded();
    const photo = await fieldPhoto(eo);
    const res = await sendReport(eo, ain, report({ photos: [photo] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ain, status: 'enquiry_reported', version: 3 });

    const detail = (await bdo.get(`/api/applications/${ain}`)).body;
    expect(detail.reports).toHaveLength(1);
    expect(detail.reports[0]).toMatchObject({
      eoName: expect.any(String),
      recommendation: 'recommend',
      position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
      photos: [{ id: photo, mime: 'image/jpeg' }]
    });
    expect(detail.documents.map((d: { kind: string }) => d.kind)).not.toContain('field_photo');
    expect(detail.actions).toEqual(expect.arrayContaining(['approve', 'reject', 'send_back', 're_enquire']));
    // For scrutiny, the applicant's other applications, not this one.
    const others = detail.otherApplications.map((o: { ain: string }) => o.ain);
    expect(others).toContain(earlier);
    expect(others).not.toContain(ain);
    expect((await download(bdo, `/api/documents/${photo}`)).status).toBe(200);
    // Outside the block, the report's photo is not served.
    expect((await download(await loginClient(server.url, 'bdo-deganga'), `/api/documents/${photo}`)).status).toBe(403);
  });

  test('a resend with the same Idempotency-Key answers the first result and files nothing twice', async () => {
    const ain = await forwarded();
    const key = idempotencyKey();
    const body = report();
    const first = await sendReport(eo, ain, body, key);
    const again = await sendReport(eo, ain, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.reportId).toBe(first.body.reportId);
    expect((await bdo.get(`/api/applications/${ain}`)).body.reports).toHaveLength(1);
    expect((await sendReport(eo, ain, { ...body, findings: 'Something else entirely, written later.' }, key)).status).toBe(422);
  });

  test('a report for an enquiry reassigned meanwhile gets 409 enquiry_reassigned and changes nothing', async () => {
    const ain = await forwarded();
    expect((await act(bdo, ain, { action: 'reassign_eo', version: 2, eoId: 'eo-barasat-2' })).status).toBe(200);
    const res = await sendReport(eo, ain, report());
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'enquiry_reassigned', message: expect.stringContaining('kept on this phone') });
    const detail = (await bdo.get(`/api/applications/${ain}`)).body;
    expect(detail).toMatchObject({ status: 'under_enquiry', version: 3, reports: [] });
  });

  test('an EO of another block and the BDO cannot report: 403', async () => {
    const ain = await forwarded();
    expect((await sendReport(await loginClient(server.url, 'eo-deganga'), ain, report())).status).toBe(403);
    expect((await sendReport(bdo, ain, report())).status).toBe(403);
  });

  test('without a GPS position the report needs a typed location; bad fields are named', async () => {
    const ain = await forwarded();
    const res = await sendReport(eo, ain, report({ position: undefined, findings: 'short', recommendation: 'maybe' }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['findings', 'locationNote', 'recommendation']);
    const noted = await sendReport(eo, ain, report({ position: undefined, locationNote: 'Kazipara, by the primary school; GPS refused' }));
    expect(noted.status).toBe(201);
    expect((await bdo.get(`/api/applications/${ain}`)).body.reports[0]).toMatchObject({ position: null, locationNote: 'Kazipara, by the primary school; GPS refused' });
  });

  test("a photo that is not the EO's own upload, or a citizen's document, cannot be attached", async () => {
    const ain = await forwarded();
    const [citizenDoc] = await uploadDocumentSet(citizen, server.origin, 3);
    const res = await sendReport(eo, ain, report({ photos: [citizenDoc] }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['photos']);
    // An EO uploads field photos only, and only images.
    const asDocument = await upload(eo, server.origin, { bytes: await testJpeg(1), name: 'id.jpg', type: 'image/jpeg' }, 'identity', 'epic');
    expect(asDocument.status).toBe(400);
    const realPdf = await (await PDFDocument.create()).save({ addDefaultPage: true });
    const pdf = await upload(eo, server.origin, { bytes: realPdf, name: 'x.pdf', type: 'application/pdf' }, 'field_photo');
    expect(pdf.status).toBe(415);
    expect(pdf.body.error.code).toBe('photo_type');
    // Another EO's field photo is theirs, not this officer's.
    const othersPhoto = await fieldPhoto(await loginClient(server.url, 'eo-barasat-2'));
    const taken = await sendReport(eo, ain, report({ photos: [othersPhoto] }));
    expect(taken.status).toBe(400);
    expect(Object.keys(taken.body.error.fields)).toEqual(['photos']);
  });
});

describe('approval with a signed certificate, verification and revocation (seed steps 5–7; DESIGN §9)', () => {
  test('approval issues a numbered, signed certificate the citizen downloads; verify says valid with an intact signature', async () => {
    const { ain, certificateNo } = await approved();
    expect(certificateNo).toMatch(/^ORC-\d{4}-11\d{3}-\d{6}$/);

    const pdf = await download(citizen, `/api/applications/${ain}/certificate.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    const signature = await verifyCertificatePdf(pdf.bytes, await trustedCaPem(server.runtime.deps.config));
    expect(signature).toMatchObject({ valid: true });

    const verify = await new Client(server.url).get(`/api/verify/${certificateNo}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ certificateNo, status: 'valid', name: 'Rina Das', office: { nameEn: expect.stringContaining('Barasat') }, signature: { valid: true, timestamp: null, chain: [expect.any(String), 'e-District North 24 Parganas Development CA'], revocation: 'not-checked' } });
    expect(verify.headers.get('cache-control')).toBe('no-store');

    const detail = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(detail).toMatchObject({ status: 'approved', certificate: { certificateNo, revokedAt: null } });
    const events = await listEvents(server.runtime.deps.sql, (await server.runtime.deps.sql<{ id: string }[]>`select id::text from applications where ain = ${ain}`)[0]!.id);
    expect(events.map((e) => e.action)).toEqual(['submit', 'forward_to_eo', 'submit_report', 'approve']);
    expect(verifyChain(events)).toBeNull();
  });

  test("certificates of one block are numbered one after another in the year's series", async () => {
    const first = await approved();
    const second = await approved();
    const serial = (no: string) => Number(no.slice(-6));
    expect(second.certificateNo.slice(0, -6)).toBe(first.certificateNo.slice(0, -6));
    expect(serial(second.certificateNo)).toBe(serial(first.certificateNo) + 1);
  });

  test('the certificate is not served across jurisdictions or to another citizen', async () => {
    const { ain } = await approved();
    for (const who of ['bdo-deganga', 'eo-deganga', 'citizen-2']) {
      expect((await download(await loginClient(server.url, who), `/api/applications/${ain}/certificate.pdf`)).status).toBe(403);
    }
    expect((await download(await loginClient(server.url, 'demo-dm'), `/api/applications/${ain}/certificate.pdf`)).status).toBe(200);
  });

  test('a stored certificate whose bytes were changed verifies as invalid', async () => {
    const { certificateNo } = await approved();
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ pdfSha256: string }[]>`select pdf_sha256 from certificates where certificate_no = ${certificateNo}`;
    const original = (await server.runtime.deps.storage.get(row!.pdfSha256))!;
    const tampered = Buffer.from(original);
    tampered[200] = tampered[200]! ^ 1;
    const forged = await server.runtime.deps.storage.put(tampered);
    await sql`update certificates set pdf_sha256 = ${forged} where certificate_no = ${certificateNo}`;
    expect((await new Client(server.url).get(`/api/verify/${certificateNo}`)).body.signature).toMatchObject({ valid: false, signer: null, chain: [] });
  });

  test('the QR seals every fact printed on the certificate, and verify shows them all: an edited address, guardian or years breaks it', async () => {
    const { ain, certificateNo } = await approved();
    const pdf = await download(citizen, `/api/applications/${ain}/certificate.pdf`);
    const qr = qrTextOf(pdf.bytes);
    expect(qr).not.toBeNull();
    const key = await districtPublicKeyPem(server.runtime.deps.config);
    const opened = openQrText(key, qr!);
    const address = 'Vill. Kazipara, P.O. Barasat, P.S. Barasat, Barasat I, North 24 Parganas - 700124';
    const printed = { gender: 'female', guardianRelation: 'father', guardianName: 'Haripada Das', address, yearsOfResidence: 20, officer: 'Demo BDO Barasat I' };
    expect(opened).toEqual({ ok: true, fields: { certificateNo, ain, name: 'Rina Das', issuedOn: expect.any(String), officeCode: ain.slice(2, 7), printed } });
    // What the QR seals is what the page prints.
    const text = actualText(pdf.bytes);
    for (const fact of [address, 'Haripada Das', 'Demo BDO Barasat I', 'last 20 years']) expect(text).toContain(fact);

    for (const [from, to] of [['Kazipara', 'Kazipura'], ['Haripada', 'Hiralal'], ['~20~', '~35~'], ['~father~', '~spouse~']]) {
      const edited = qr!.replace(from!.replaceAll(' ', '%20'), to!);
      expect(edited).not.toBe(qr);
      expect(openQrText(key, edited), from).toEqual({ ok: false, reason: 'bad-signature' });
    }

    const verify = (await new Client(server.url).get(`/api/verify/${certificateNo}`)).body;
    expect(verify).toMatchObject({ certificateNo, name: 'Rina Das', ain: expect.stringMatching(/^\d{2} \d{2} \d{3} \d{6} \d$/), printed });
  });

  test("the citizen's view of an application names no officer's user ID; the BDO's does", async () => {
    const ain = await forwarded('eo-barasat-2');
    expect((await sendReport(await loginClient(server.url, 'eo-barasat-2'), ain, report())).status).toBe(201);
    const mine = await citizen.get(`/api/applications/${ain}`);
    expect(mine.status).toBe(200);
    expect(mine.body.assignedEoId).toBeNull();
    for (const id of ['eo-barasat-2', 'demo-bdo']) expect(JSON.stringify(mine.body)).not.toContain(id);
    expect((await bdo.get(`/api/applications/${ain}`)).body.assignedEoId).toBe('eo-barasat-2');
  });

  test('the DM revokes with a reason; verify then says revoked, and the download is gone', async () => {
    const { ain, certificateNo } = await approved();
    for (const who of [bdo, await loginClient(server.url, 'demo-sdo'), citizen]) {
      expect((await who.post(`/api/certificates/${certificateNo}/revoke`, { reason: 'Issued on a forged residence proof.' })).status).toBe(403);
    }
    const dm = await loginClient(server.url, 'demo-dm');
    expect((await dm.post(`/api/certificates/${certificateNo}/revoke`, { reason: 'x' })).status).toBe(400);
    const revoked = await dm.post(`/api/certificates/${certificateNo}/revoke`, { reason: 'Issued on a forged residence proof.' });
    expect(revoked.status).toBe(200);
    expect((await dm.post(`/api/certificates/${certificateNo}/revoke`, { reason: 'Issued on a forged residence proof.' })).status).toBe(409);

    const verify = (await new Client(server.url).get(`/api/verify/${certificateNo}`)).body;
    expect(verify).toMatchObject({ status: 'revoked', revokeReason: 'Issued on a forged residence proof.' });
    expect((await download(citizen, `/api/applications/${ain}/certificate.pdf`)).status).toBe(410);
    // The holder is told by SMS (and email and push when they have them).
    const [told] = await server.runtime.deps.sql<{ body: string }[]>`
      select o.body from outbox o join applications a on a.id = o.application_id
      where a.ain = ${ain} and o.channel = 'sms' and o.template = 'certificate_revoked'`;
    expect(told!.body).toContain(certificateNo);
  });

  test('verify: an unknown number is 404, a malformed one 400 with the field named', async () => {
    const anyone = new Client(server.url);
    expect((await anyone.get('/api/verify/ORC-2026-11002-999999')).status).toBe(404);
    const bad = await anyone.get('/api/verify/not-a-number');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['certificateNo']);
    const key = await fetch(`${server.url}/api/verify/district-key.pem`);
    expect(await key.text()).toContain('BEGIN PUBLIC KEY');
  });

  test('verify is rate-limited per client, like tracking', async () => {
    await expectRateLimited(server, '/api/verify/ORC-2026-11002-999999', 404);
  });

  test('approval needs the BDO of the block, the current version, and an approvable state', async () => {
    const ain = await forwarded();
    const early = await act(bdo, ain, { action: 'approve', version: 2 });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('wrong_state');
    expect((await sendReport(eo, ain, report())).status).toBe(201);
    const stale = await act(bdo, ain, { action: 'approve', version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    expect((await act(await loginClient(server.url, 'bdo-deganga'), ain, { action: 'approve', version: 3 })).status).toBe(403);
    expect((await act(eo, ain, { action: 'approve', version: 3 })).status).toBe(403);
    const [row] = await server.runtime.deps.sql<{ count: number }[]>`
      select count(*)::int as count from certificates c join applications a on a.id = c.application_id where a.ain = ${ain}`;
    expect(row!.count).toBe(0);
  });
});

// Who took the certificate away, recorded with the hand-over (issue 13).
const collector = { name: 'Rina Das', relation: 'self', idType: 'epic', idLast4: '4821' };

describe('delivery at the counter (seed step 7)', () => {
  test("a counter of the application's block marks it collected; a counter of another block cannot", async () => {
    const { ain } = await approved();
    const elsewhere = await act(await loginClient(server.url, 'csc-deganga'), ain, { action: 'mark_delivered', version: 4, collector });
    expect(elsewhere.status).toBe(403);
    const res = await act(await loginClient(server.url, 'csc-barasat'), ain, { action: 'mark_delivered', version: 4, collector });
    expect(res.body).toEqual({ ain, status: 'delivered', version: 5 });
    // The citizen can still download what was handed over.
    expect((await download(citizen, `/api/applications/${ain}/certificate.pdf`)).status).toBe(200);
  });

  test("the SDO's kiosk of the block's subdivision hands it over; another subdivision's kiosk cannot", async () => {
    const { ain } = await approved();
    expect((await act(await loginClient(server.url, 'kiosk-barrackpore'), ain, { action: 'mark_delivered', version: 4, collector })).status).toBe(403);
    const res = await act(await loginClient(server.url, 'kiosk-barasat-sadar'), ain, { action: 'mark_delivered', version: 4, collector });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('delivered');
  });

  test('the BDO marks it collected at the block office', async () => {
    const { ain } = await approved();
    const res = await act(bdo, ain, { action: 'mark_delivered', version: 4, collector });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ain, status: 'delivered', version: 5 });
  });
});

describe('resubmission after a send-back (seed step 8)', () => {
  async function sentBack(): Promise<string> {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'send_back', version: 1, remarks: 'The residence certificate is unreadable; upload a clear copy.' })).status).toBe(200);
    return ain;
  }

  test('the citizen sees the remarks, corrects a field, replaces a document and resubmits: same AIN, history kept', async () => {
    const ain = await sentBack();
    const before = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(before.decision).toEqual({ code: null, remarks: 'The residence certificate is unreadable; upload a clear copy.' });
    expect(before.actions).toEqual(['resubmit']);

    const fresh = await upload(citizen, server.origin, { bytes: await testJpeg(42), name: 'residence.jpg', type: 'image/jpeg' }, 'residence', 'panchayat_pradhan');
    const kept = before.documents.filter((d: { kind: string }) => d.kind !== 'residence').map((d: { id: string }) => d.id);
    const applicant = { ...validApplicant(), presentAddress: { ...validApplicant().presentAddress, house: 'Vill. Kazipara, Holding 12' } };
    // As if the correction came weeks later: resubmission must set a new due date.
    const sql = server.runtime.deps.sql;
    await sql`update applications set due_at = '2026-01-05T18:29:59.999Z' where ain = ${ain}`;
    const twice = await citizen.post(`/api/applications/${ain}/resubmit`, { version: 2, applicant, documents: [...kept, fresh.body.id, fresh.body.id] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.fields).toEqual({ documents: 'The same document is listed twice.' });
    const res = await citizen.post(`/api/applications/${ain}/resubmit`, { version: 2, applicant, documents: [...kept, fresh.body.id] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ain, status: 'submitted', version: 3 });

    const after = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(after.applicant.presentAddress.house).toBe('Vill. Kazipara, Holding 12');
    expect(after.documents.find((d: { kind: string }) => d.kind === 'residence').id).toBe(fresh.body.id);
    expect(after.decision).toBeNull();
    expect(new Date(after.dueAt).getTime()).toBeGreaterThan(server.clock.now().getTime());
    // The replaced residence certificate stays with the application, marked replaced, for the history.
    const [replaced] = await sql<{ count: number }[]>`
      select count(*)::int as count from documents d join applications a on a.id = d.application_id
      where a.ain = ${ain} and d.kind = 'residence' and d.replaced_at is not null`;
    expect(replaced!.count).toBe(1);
    const resubmit = after.events.find((e: { action: string }) => e.action === 'resubmit');
    expect(resubmit).toMatchObject({ changes: ['presentAddress.house', 'documents.residence'], remarks: null });
    expect(after.events.map((e: { action: string }) => e.action)).toEqual(['submit', 'send_back', 'resubmit']);
    // The BDO can take it up again.
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 3, eoId: 'demo-eo' })).status).toBe(200);
  });

  test('resubmission refuses a stale version, a change of block, an incomplete document set, and anyone but the applicant', async () => {
    const ain = await sentBack();
    const documents = (await citizen.get(`/api/applications/${ain}`)).body.documents.map((d: { id: string }) => d.id);
    const body = { version: 2, applicant: validApplicant(), documents };
    expect((await citizen.post(`/api/applications/${ain}/resubmit`, { ...body, version: 1 })).body.error.code).toBe('stale_version');
    const moved = await citizen.post(`/api/applications/${ain}/resubmit`, {
      ...body,
      applicant: validApplicant({ presentAddress: { ...validApplicant().presentAddress, blockId: 'n24pgs/barasat-sadar/deganga' } })
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.fields).toHaveProperty(['applicant.presentAddress.blockId']);
    const incomplete = await citizen.post(`/api/applications/${ain}/resubmit`, { ...body, documents: documents.slice(1) });
    expect(incomplete.status).toBe(400);
    expect((await (await loginClient(server.url, 'citizen-2')).post(`/api/applications/${ain}/resubmit`, body)).status).toBe(403);
    expect((await bdo.post(`/api/applications/${ain}/resubmit`, body)).status).toBe(403);
    expect(await version(ain)).toBe(2);
  });
});

describe('an officer whose signing credential is not installed', () => {
  test('approval answers 409 with a message that says so, and nothing changes', async () => {
    // Officers' PKCS#12 files are expected in a folder that does not hold this officer's.
    const other = await startTestServer({ SIGNING_P12_DIR: '/nonexistent/officer-credentials', SIGNING_P12_PASSPHRASE: 'x' }, { dispatchIntervalMs: 0 });
    try {
      const filer = await loginClient(other.url, 'demo-citizen');
      const documents = await uploadDocumentSet(filer, other.origin);
      const ain = (await filer.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() })).body.ain;
      const officer = await loginClient(other.url, 'demo-bdo');
      const res = await officer.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 1, remarks: 'No enquiry needed: known resident.' });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'signing_credential_missing', message: expect.stringContaining('digital signature') });
      expect((await officer.get(`/api/applications/${ain}`)).body).toMatchObject({ status: 'submitted', version: 1, certificate: null });
    } finally {
      await other.close();
    }
  });
});
