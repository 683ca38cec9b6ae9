import { createLogger } from '../../api/log.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAin } from '../../shared/ain.ts';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { idempotencyKey, insertUser, loginClient, testJpeg, upload, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { expectRateLimited } from '../support/rate-limit.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0, log: createLogger('error', (l) => console.error(l)) });
  citizen = await loginClient(server.url, 'demo-citizen');
});
afterAll(() => server.close());

async function submit(client: Client, body: unknown, key = idempotencyKey()) {
  return client.post('/api/applications', body, { 'idempotency-key': key });
}

async function fileApplication(client = citizen, applicant = validApplicant(), seed = 0) {
  const documents = await uploadDocumentSet(client, server.origin, seed);
  const res = await submit(client, { applicant, documents });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.ain as string;
}

describe('submitting an application (seed steps 1–2)', () => {
  test('a complete application gets an AIN of its block, an audit event, a receipt and a "received" SMS and email', async () => {
    const documents = await uploadDocumentSet(citizen, server.origin);
    const res = await submit(citizen, { applicant: validApplicant(), documents });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'submitted', receiptUrl: `/api/applications/${res.body.ain}/receipt.pdf` });
    const ain = res.body.ain as string;
    expect(parseAin(ain)).toEqual({ ok: true, ain });
    expect(ain.slice(0, 2)).toBe('26'); // the test clock's year
    expect(ain.slice(2, 4)).toBe('11'); // North 24 Parganas
    expect(ain.slice(4, 7)).toBe('002'); // Barasat I

    const detail = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(detail).toMatchObject({ status: 'submitted', version: 1, channel: 'web', office: { nameEn: 'Barasat I' } });
    expect(detail.documents).toHaveLength(5);
    expect(detail.events).toEqual([expect.objectContaining({ seq: 1, action: 'submit', fromStatus: null, toStatus: 'submitted', channel: 'web' })]);
    // T+5 working days from Friday 27 November 2026: Saturday counts, Sunday does not, so the end of Thursday
    // 3 December in Kolkata.
    expect(detail.dueAt).toBe('2026-12-03T18:29:59.999Z');

    expect(await dispatchDue(server.runtime.deps)).toBeGreaterThanOrEqual(2);
    const outbox = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { channel: string; recipient: string; body: string }[];
    expect(outbox.find((m) => m.channel === 'sms' && m.body.includes(ain))?.recipient).toBe('+919000000001');

    const receipt = await citizen.get(`/api/applications/${ain}/receipt.pdf`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    expect(receipt.headers.get('content-disposition')).toMatch(/^attachment/);
    const pdf = await (await fetch(`${server.url}/api/applications/${ain}/receipt.pdf`, { headers: { cookie: citizen.cookie } })).arrayBuffer();
    const text = actualText(new Uint8Array(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain(`${ain.slice(0, 2)} ${ain.slice(2, 4)} ${ain.slice(4, 7)} ${ain.slice(7, 13)} ${ain.slice(13)}`);
    expect(text).toContain('Rina Das');
    expect(text).toContain('Barasat I');
    expect(text).toContain('Voter card (EPIC)');
  });

  test.each([
    'name',
    'guardianRelation',
    'guardianName',
    'gender',
    'dateOfBirth',
    'mobile',
    'presentAddress',
    'permanentSameAsPresent',
    'yearsOfResidence',
    'purpose',
    'declaration'
  ])('a missing %s is named in the error, in the caller\'s language, and nothing is stored', async (field) => {
    const applicant = validApplicant() as Record<string, unknown>;
    delete applicant[field];
    const documents = await uploadDocumentSet(citizen, server.origin);
    const bengali = new Client(server.url, 'bn');
    bengali.cookie = citizen.cookie;
    const before = (await citizen.get('/api/applications')).body.applications.length;
    const res = await submit(bengali, { applicant, documents });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation');
    expect(Object.keys(res.body.error.fields).some((f) => f.startsWith(`applicant.${field}`))).toBe(true);
    expect(Object.values(res.body.error.fields).every((m) => /[\u0980-\u09FF]/.test(m as string))).toBe(true);
    expect((await citizen.get('/api/applications')).body.applications.length).toBe(before);
  });

  test('each missing document kind is named; one PDF or 1–4 images per kind', async () => {
    const ids = await uploadDocumentSet(citizen, server.origin);
    const res = await submit(citizen, { applicant: validApplicant(), documents: ids.slice(0, 3) });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['documents.residence', 'documents.signed_form']);

    const extra = [];
    for (let i = 0; i < 4; i++) extra.push((await upload(citizen, server.origin, { bytes: await testJpeg(50 + i), name: 'id.jpg', type: 'image/jpeg' }, 'identity', 'epic')).body.id);
    const five = await submit(citizen, { applicant: validApplicant(), documents: [...ids, ...extra] });
    expect(five.status).toBe(400);
    expect(five.body.error.fields).toEqual({ 'documents.identity': 'Give one PDF, or 1 to 4 photos.' });
  });

  test('a document listed twice is refused by name, and nothing is written', async () => {
    const ids = await uploadDocumentSet(citizen, server.origin, 11);
    const [before] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from applications`;
    const res = await submit(citizen, { applicant: validApplicant(), documents: [...ids, ids[0]!] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation', fields: { documents: 'The same document is listed twice.' } });
    const [after] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from applications`;
    expect(after!.n).toBe(before!.n);
    expect((await submit(citizen, { applicant: validApplicant(), documents: ids })).status).toBe(201);
  });

  test('a retry with the same Idempotency-Key returns the same AIN; the same key with a different body is refused', async () => {
    const documents = await uploadDocumentSet(citizen, server.origin);
    const key = idempotencyKey();
    const first = await submit(citizen, { applicant: validApplicant(), documents }, key);
    const again = await submit(citizen, { applicant: validApplicant(), documents }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.ain).toBe(first.body.ain);
    const different = await submit(citizen, { applicant: validApplicant({ purpose: 'Job application' }), documents }, key);
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('idempotency_key_reused');
    const missing = await citizen.post('/api/applications', { applicant: validApplicant(), documents });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.fields)).toEqual(['idempotency-key']);
  });

  test('documents already in an application cannot be filed again under a new key: 409, and nothing is written', async () => {
    const documents = await uploadDocumentSet(citizen, server.origin, 7);
    expect((await submit(citizen, { applicant: validApplicant(), documents })).status).toBe(201);
    const [before] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from applications`;
    const reused = await submit(citizen, { applicant: validApplicant({ purpose: 'Job application' }), documents });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'documents_in_use', fields: { documents: expect.any(String) } });
    const [after] = await server.runtime.deps.sql<{ n: number }[]>`select count(*)::int as n from applications`;
    expect(after!.n).toBe(before!.n);
  });

  test('50 concurrent submissions to one office get 50 distinct valid AINs', async () => {
    const sets = [];
    for (let i = 0; i < 50; i++) sets.push(await uploadDocumentSet(citizen, server.origin, i));
    const results = await Promise.all(sets.map((documents) => submit(citizen, { applicant: validApplicant(), documents })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ains = results.map((r) => r.body.ain as string);
    expect(new Set(ains).size).toBe(50);
    for (const ain of ains) {
      expect(parseAin(ain).ok).toBe(true);
      expect(ain.slice(4, 7)).toBe('002');
    }
  });
});

describe('uploads (DESIGN §7)', () => {
  const bad: [string, Uint8Array, string, number, string][] = [
    ['a text file', new TextEncoder().encode('just some words, not a picture'), 'note.jpg', 415, 'file_type'],
    ['an HTML file named .pdf', new TextEncoder().encode('<!doctype html><script>alert(1)</script>'), 'proof.pdf', 415, 'file_type'],
    ['a zip', Buffer.from('504b0304140000000800', 'hex'), 'docs.zip', 415, 'file_type'],
    ['an empty file', new Uint8Array(0), 'empty.jpg', 400, 'file_empty'],
    ['a JPEG that stops half-way', Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb', 'hex'), 'cut.jpg', 400, 'file_damaged'],
    ['a PDF without its end', new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\n'), 'cut.pdf', 400, 'file_damaged']
  ];
  test.each(bad)('%s is refused with a clear error', async (_label, bytes, name, status, code) => {
    const res = await upload(citizen, server.origin, { bytes, name, type: 'application/pdf' }, 'identity', 'epic');
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.fields).toHaveProperty('file');
  });

  test('a file over the limit is refused with 413', async () => {
    const res = await upload(citizen, server.origin, { bytes: new Uint8Array(6 * 1024 * 1024).fill(0xff), name: 'huge.jpg', type: 'image/jpeg' }, 'photo');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    expect(res.body.error.message).toContain('5 MB');
  });

  test('a proof that the kind does not accept is refused', async () => {
    const res = await upload(citizen, server.origin, { bytes: await testJpeg(), name: 'x.jpg', type: 'image/jpeg' }, 'age', 'epic');
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ proof: 'Choose a document this kind accepts.' });
  });

  test('EXIF (camera, GPS position) is removed from photos, and the download is an attachment that is never cached', async () => {
    const photo = await testJpeg(7, { exif: true });
    expect(photo.includes(Buffer.from('SecretModel-42'))).toBe(true);
    const res = await upload(citizen, server.origin, { bytes: photo, name: 'me.jpg', type: 'image/jpeg' }, 'photo');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'photo', proof: 'photograph', mime: 'image/jpeg' });
    const download = await fetch(`${server.url}/api/documents/${res.body.id}`, { headers: { cookie: citizen.cookie } });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="photo-/);
    expect(download.headers.get('cache-control')).toBe('no-store');
    const stored = Buffer.from(await download.arrayBuffer());
    expect(stored.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(stored.includes(Buffer.from('SecretModel-42'))).toBe(false);
    expect(stored.includes(Buffer.from('Exif'))).toBe(false);
  });

  test('nobody but the uploader reads an unattached document; a cross-site upload is refused', async () => {
    const res = await upload(citizen, server.origin, { bytes: await testJpeg(), name: 'me.jpg', type: 'image/jpeg' }, 'photo');
    const bdo = await loginClient(server.url, 'demo-bdo');
    expect((await bdo.get(`/api/documents/${res.body.id}`)).status).toBe(403);
    const crossSite = await upload(citizen, 'https://evil.example', { bytes: await testJpeg(), name: 'me.jpg', type: 'image/jpeg' }, 'photo');
    expect(crossSite.status).toBe(403);
  });
});

describe('who sees what (DESIGN §3)', () => {
  test('citizen A cannot read citizen B\'s application or documents', async () => {
    await insertUser(server.runtime.deps.sql, { id: 'citizen-b', role: 'citizen', mobile: '+919830070001' });
    const b = await loginClient(server.url, 'citizen-b');
    const ain = await fileApplication(citizen);
    const detail = (await citizen.get(`/api/applications/${ain}`)).body;
    expect((await b.get(`/api/applications/${ain}`)).status).toBe(403);
    expect((await b.get(`/api/applications/${ain}/receipt.pdf`)).status).toBe(403);
    for (const d of detail.documents) expect((await b.get(`/api/documents/${d.id}`)).status).toBe(403);
    expect((await b.get('/api/applications')).body.applications).toEqual([]);
  });

  test('an operator files for a new citizen by mobile: the account is made and told, the channel recorded, and only that operator lists it', async () => {
    const operator = await loginClient(server.url, 'demo-operator');
    const documents = await uploadDocumentSet(operator, server.origin, 3);
    const res = await submit(operator, { applicant: validApplicant({ name: 'Kamal Sheikh', mobile: '9830070002', email: '' }), documents });
    expect(res.status).toBe(201);
    const ain = res.body.ain;
    const outbox = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { recipient: string; body: string }[];
    expect(outbox.find((m) => m.recipient === '+919830070002')?.body).toMatch(/user ID is WB\d{8}/);
    expect((await operator.get(`/api/applications/${ain}`)).body).toMatchObject({ channel: 'csc', status: 'submitted' });
    expect((await operator.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);

    await insertUser(server.runtime.deps.sql, { id: 'operator-2', role: 'operator', officeId: 'n24pgs/kiosk', mobile: '+919830070003' });
    const other = await loginClient(server.url, 'operator-2');
    expect((await other.get('/api/applications')).body.applications).toEqual([]);
    expect((await other.get(`/api/applications/${ain}`)).status).toBe(403);

    // An existing citizen is linked, not duplicated.
    const again = await submit(operator, { applicant: validApplicant({ name: 'Kamal Sheikh', mobile: '98300 70002' }), documents: await uploadDocumentSet(operator, server.origin, 4) });
    expect(again.status).toBe(201);
    const [{ count }] = (await server.runtime.deps.sql`select count(*)::int as count from users where mobile = '+919830070002'`) as unknown as [{ count: number }];
    expect(count).toBe(1);
  });

  test('officers see their jurisdiction: the BDO of the block, the SDO and the DM yes, another block\'s BDO no', async () => {
    const ain = await fileApplication(citizen);
    await insertUser(server.runtime.deps.sql, { id: 'bdo-amdanga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/amdanga', mobile: '+919830070004' });
    await insertUser(server.runtime.deps.sql, { id: 'sdo-basirhat', role: 'sdo', officeId: 'n24pgs/basirhat', mobile: '+919830070005' });
    for (const [who, status] of [['demo-bdo', 200], ['demo-sdo', 200], ['demo-dm', 200], ['bdo-amdanga', 403], ['sdo-basirhat', 403], ['demo-eo', 403]] as const) {
      const c = await loginClient(server.url, who);
      expect((await c.get(`/api/applications/${ain}`)).status, who).toBe(status);
      const listed = (await c.get('/api/applications')).body.applications.some((a: { ain: string }) => a.ain === ain);
      expect(listed, who).toBe(status === 200);
    }
  });

  test('the BDO gets a small preview of each image, made once; another block\'s BDO gets none', async () => {
    const ain = await fileApplication(citizen);
    const bdo = await loginClient(server.url, 'demo-bdo');
    const [photo] = (await bdo.get(`/api/applications/${ain}`)).body.documents.filter((d: { kind: string }) => d.kind === 'photo');
    const first = await fetch(`${server.url}/api/documents/${photo.id}/preview`, { headers: { cookie: bdo.cookie } });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    expect(first.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    const [row] = await server.runtime.deps.sql<{ previewSha256: string | null }[]>`select preview_sha256 from documents where id = ${photo.id}`;
    expect(row!.previewSha256).toMatch(/^[0-9a-f]{64}$/);
    const other = await loginClient(server.url, 'bdo-amdanga');
    expect((await other.get(`/api/documents/${photo.id}/preview`)).status).toBe(403);
  });

  test('officers and citizens cannot submit as each other: a BDO is refused', async () => {
    const bdo = await loginClient(server.url, 'demo-bdo');
    const res = await submit(bdo, { applicant: validApplicant(), documents: ['00000000-0000-4000-8000-000000000000'] });
    expect(res.status).toBe(403);
  });
});

describe('Aadhaar (DESIGN §7)', () => {
  test('is optional, validated, stored encrypted with its last 4 digits, and a duplicate warns the officer without blocking', async () => {
    const { verhoeffDigit } = await import('../../shared/verhoeff.ts');
    const check = Number(verhoeffDigit('23456789012'));
    const wrong = await submit(citizen, { applicant: validApplicant({ aadhaar: `2345 6789 012${(check + 1) % 10}` }), documents: await uploadDocumentSet(citizen, server.origin) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toEqual({ 'applicant.aadhaar': 'This is not a valid Aadhaar number. Check the 12 digits.' });

    const aadhaar = `2345 6789 012${check}`;
    const first = await fileApplication(citizen, validApplicant({ aadhaar }));
    const second = await fileApplication(citizen, validApplicant({ aadhaar }));
    const digits = aadhaar.replace(/\s/g, '');
    const rows = await server.runtime.deps.sql<{ ciphertext: Buffer; last4: string }[]>`select ciphertext, last4 from aadhaar_numbers`;
    for (const r of rows) expect(r.ciphertext.toString('latin1')).not.toContain(digits);
    const forCitizen = (await citizen.get(`/api/applications/${second}`)).body;
    expect(forCitizen.applicant.aadhaar).toBe(`XXXX-XXXX-${digits.slice(-4)}`);
    expect(JSON.stringify(forCitizen)).not.toContain(digits);
    expect(forCitizen.duplicateAadhaarIn).toEqual([]);
    const bdo = await loginClient(server.url, 'demo-bdo');
    expect((await bdo.get(`/api/applications/${second}`)).body.duplicateAadhaarIn).toEqual([first]);
  });
});

describe('the audit trail', () => {
  test('the stored chain verifies, and the database refuses to change or delete an event', async () => {
    const ain = await fileApplication(citizen);
    const sql = server.runtime.deps.sql;
    const [app] = await sql<{ id: string }[]>`select id::text from applications where ain = ${ain}`;
    const events = await listEvents(sql, app!.id);
    expect(events).toHaveLength(1);
    expect(verifyChain(events)).toBeNull();
    await expect(sql`update application_events set remarks = 'edited'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from application_events`).rejects.toThrow(/append-only/);
  });
});

describe('public tracking (seed section B)', () => {
  test('shows status, office and a masked name for an AIN typed with spaces or dashes; a typo and an unknown AIN are told apart', async () => {
    const ain = await fileApplication(citizen);
    const anyone = new Client(server.url);
    const grouped = `${ain.slice(0, 2)} ${ain.slice(2, 4)}-${ain.slice(4, 7)} ${ain.slice(7, 13)}-${ain.slice(13)}`;
    const res = await anyone.get(`/api/track/${encodeURIComponent(grouped)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ain: `${ain.slice(0, 2)} ${ain.slice(2, 4)} ${ain.slice(4, 7)} ${ain.slice(7, 13)} ${ain.slice(13)}`,
      status: 'submitted',
      office: { nameEn: 'Barasat I', nameBn: 'বারাসত ১' },
      lastChangeAt: expect.any(String),
      nextDueAt: '2026-12-03T18:29:59.999Z',
      applicantName: 'R*** D***',
      reason: null,
      remarks: null,
      decidedAt: null,
      revokedAt: null
    });
    // Copied from a Bengali text, or typed on a Bengali keyboard: the same application.
    const bengali = ain.replace(/\d/g, (d) => String.fromCharCode(0x09e6 + Number(d)));
    const inBengali = await anyone.get(`/api/track/${encodeURIComponent(bengali)}`);
    expect([inBengali.status, inBengali.body.ain]).toEqual([200, res.body.ain]);
    // Two adjacent digits that differ, swapped: the check digit catches every such swap.
    let at = ain.length - 1;
    while (ain[at] === ain[at - 1]) at--;
    const typo = ain.slice(0, at - 1) + ain[at] + ain[at - 1] + ain.slice(at + 1);
    expect((await anyone.get(`/api/track/${typo}`)).body.error.code).toBe('ain_typo');
    expect((await anyone.get('/api/track/12345')).body.error.code).toBe('ain_format');
    const unknown = '2611022' + '999999';
    const { verhoeffDigit } = await import('../../shared/verhoeff.ts');
    const missing = await anyone.get(`/api/track/${unknown}${verhoeffDigit(unknown)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ain_unknown');
  });

  test('is rate-limited per client', async () => {
    await expectRateLimited(server, '/api/track/12345', 400);
  });
});
