// What the citizen is told is true, complete and reaches them (issue 12; DESIGN §12): an honest certificate,
// revocation and reasons on every channel, the right contacts, and what the citizen sees of the enquiry.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { idempotencyKey, loginClient, testJpeg, upload, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;
let eo: Client;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  eo = await loginClient(server.url, 'demo-eo');
  // The feature phones of these tests chose English on the USSD menu (an unknown number hears Bengali).
  for (const mobile of ['+919830077001', '+919830077002']) {
    await server.runtime.deps.sql`insert into phone_languages (mobile, lang, updated_at) values (${mobile}, 'en', now())`;
  }
}, 120_000);
afterAll(() => server?.close());

async function newApplication(overrides: Record<string, unknown> = {}, by = citizen): Promise<string> {
  const documents = await uploadDocumentSet(by, server.origin);
  const res = await by.post('/api/applications', { applicant: validApplicant(overrides), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

const act = (who: Client, ain: string, body: Record<string, unknown>) => who.post(`/api/applications/${ain}/actions`, body);

async function reported(recommendation: 'recommend' | 'do_not_recommend'): Promise<string> {
  const ain = await newApplication();
  expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
  const res = await eo.post(
    `/api/applications/${ain}/report`,
    {
      version: 2,
      visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      findings: 'Met neighbours Abdul Karim and Mita Sen; the applicant was not known to them at this address.',
      recommendation,
      position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
      photos: []
    },
    { 'idempotency-key': idempotencyKey() }
  );
  expect(res.status).toBe(201);
  return ain;
}

async function certificateText(ain: string): Promise<string> {
  const res = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } });
  expect(res.status).toBe(200);
  return actualText(new Uint8Array(await res.arrayBuffer())).replace(/\s+/g, ' ');
}

describe('an honest certificate (item 2)', () => {
  test('approved straight from "received": a recorded reason is required, and the certificate does not claim an enquiry', async () => {
    const ain = await newApplication();
    const bare = await act(bdo, ain, { action: 'approve', version: 1 });
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields.remarks).toMatch(/without a field enquiry/);
    const res = await act(bdo, ain, { action: 'approve', version: 1, remarks: 'Known resident; documents are conclusive.' });
    expect(res.status).toBe(200);
    const text = await certificateText(ain);
    expect(text).not.toContain('local enquiry');
    expect(text).toContain('as scrutinised by the Block Development Officer');
    expect(text).not.toContain('স্থানীয় তদন্তের');
    const events = (await bdo.get(`/api/applications/${ain}`)).body.events as { action: string; remarks: string | null }[];
    expect(events.find((e) => e.action === 'approve')?.remarks).toContain('Known resident; documents are conclusive.');
  });

  test('approved after a field enquiry that recommends: no reason needed, and the certificate says there was an enquiry', async () => {
    const ain = await reported('recommend');
    expect((await act(bdo, ain, { action: 'approve', version: 3 })).status).toBe(200);
    const text = await certificateText(ain);
    expect(text).toContain('and a local enquiry');
    expect(text).toContain('স্থানীয় তদন্তের');
  });

  test('approved against a "do not recommend" report: a recorded reason is required', async () => {
    const ain = await reported('do_not_recommend');
    const bare = await act(bdo, ain, { action: 'approve', version: 3 });
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields.remarks).toMatch(/not to recommend/);
    expect((await act(bdo, ain, { action: 'approve', version: 3, remarks: 'Ration card and voter roll confirm the address.' })).status).toBe(200);
  });
});

async function smsReplyTo(text: string, from = '+919830077001'): Promise<string> {
  const id = `ATXid_${Math.random().toString(36).slice(2)}`;
  const res = await fetch(`${server.url}/sms/inbound`, { method: 'POST', body: new URLSearchParams({ from, to: '12345', text, date: '2026-11-27', id }) });
  expect(res.status).toBe(200);
  const [row] = await server.runtime.deps.sql<{ body: string }[]>`select body from outbox where recipient = ${from} order by id desc limit 1`;
  return row!.body;
}

async function ussdStatus(ain: string, phoneNumber = '+919830077002'): Promise<string> {
  const pages: string[] = [];
  for (let text = `1*${ain}`; ; text += '*98') {
    const res = await fetch(`${server.url}/sms/ussd`, { method: 'POST', body: new URLSearchParams({ sessionId: 'S' + text, serviceCode: '*384*1#', phoneNumber, networkCode: '40401', text }) });
    const body = await res.text();
    pages.push(body.slice(4));
    if (body.startsWith('END') || pages.length > 10) return pages.join('\n');
  }
}

describe('reasons and the expected date on every channel (item 4)', () => {
  test('a rejection: the coded reason in the reader\'s language and the remarks, on the tracking page, the SMS reply and USSD', async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'reject', version: 1, reason: 'not_resident', remarks: 'Neighbours say the family moved to Howrah in 2019.' })).status).toBe(200);
    const bn = (await new Client(server.url, 'bn').get(`/api/track/${ain}`)).body;
    expect(bn).toMatchObject({ status: 'rejected', reason: { code: 'not_resident', text: 'ঠিকানায় বাসিন্দা হিসেবে পাওয়া যায়নি' }, remarks: 'Neighbours say the family moved to Howrah in 2019.', nextDueAt: null });
    expect(bn.decidedAt).toBe(server.clock.now().toISOString());
    expect((await new Client(server.url, 'hi').get(`/api/track/${ain}`)).body.reason.text).toBe('पते पर निवासी नहीं पाया गया');
    expect(await smsReplyTo(`STATUS ${ain}`)).toMatch(/^Application \d{14} was rejected on \d\d-\d\d-2026\. Reason: Not resident at the address\. Full reasons on the tracking page\./);
    const ussd = await ussdStatus(ain);
    expect(ussd).toContain('Reason: Not resident at the address');
    expect(ussd).toContain('Remarks: Neighbours say the family moved to Howrah in 2019.');
  });

  test('a send-back: the remarks whole on the tracking page; in the SMS cut at a word with where to read the rest', async () => {
    const ain = await newApplication();
    const remarks = 'Residence certificate photo is blurred; upload a clear scan of the Pradhan\'s certificate with its seal.';
    expect((await act(bdo, ain, { action: 'send_back', version: 1, remarks })).status).toBe(200);
    expect((await new Client(server.url).get(`/api/track/${ain}`)).body).toMatchObject({ status: 'sent_back', remarks, reason: null, nextDueAt: null });
    const reply = await smsReplyTo(ain);
    expect(reply).toContain(': Residence certificate photo.... Full remarks: tracking page.');
    expect((await ussdStatus(ain)).replace(/\n98 More\n/g, ' ')).toContain('Remarks: Residence certificate photo is blurred;');
  });

  test('while open: the expected decision date on the tracking page, in the SMS reply and on USSD', async () => {
    const ain = await newApplication();
    const track = (await new Client(server.url).get(`/api/track/${ain}`)).body;
    expect(track.nextDueAt).not.toBeNull();
    const due = new Date(track.nextDueAt).toLocaleDateString('en-GB', { timeZone: 'Asia/Kolkata' }).replace(/\//g, '-');
    expect(await smsReplyTo(ain)).toContain(`Decision expected by ${due}.`);
    expect(await ussdStatus(ain)).toContain(`Decision expected by ${due}`);
  });
});

describe('revocation shows everywhere (item 3)', () => {
  test('after the DM revokes a collected certificate: tracking, USSD and the SMS reply say revoked, with the date, and the citizen is told', async () => {
    const ain = await reported('recommend');
    const approved = await act(bdo, ain, { action: 'approve', version: 3 });
    expect(approved.status).toBe(200);
    expect((await act(bdo, ain, { action: 'mark_delivered', version: 4, collector: { name: 'Rina Das', relation: 'self', idType: 'epic', idLast4: '4821' } })).status).toBe(200);
    server.clock.advance(2 * 86_400_000);
    const dm = await loginClient(server.url, 'demo-dm');
    expect((await dm.post(`/api/certificates/${approved.body.certificateNo}/revoke`, { reason: 'Issued on a forged ration card.' })).status).toBe(200);
    const date = server.clock.now().toLocaleDateString('en-GB', { timeZone: 'Asia/Kolkata' }).replace(/\//g, '-');

    const track = (await new Client(server.url).get(`/api/track/${ain}`)).body;
    expect(track).toMatchObject({ status: 'revoked', revokedAt: server.clock.now().toISOString() });
    expect(await ussdStatus(ain)).toContain(`Revoked on ${date}`);
    expect(await smsReplyTo(`status ${ain}`)).toContain(`was revoked on ${date}. It is no longer valid.`);
    const [told] = await server.runtime.deps.sql<{ body: string }[]>`
      select body from outbox where template = 'certificate_revoked' and channel = 'sms' and body like ${'%' + ain + '%'}`;
    expect(told!.body).toContain(date);
    // The citizen's own view says so too.
    expect((await citizen.get(`/api/track/${ain}`)).body.status).toBe('revoked');
  });
});

describe('messages reach each recipient in order (item 4)', () => {
  test('a later message to a number waits while an earlier one to it is still pending, even waiting for a retry', async () => {
    const sql = server.runtime.deps.sql;
    const to = '+919830077003';
    const now = server.clock.now();
    const [app] = await sql<{ id: string }[]>`select id::text from applications order by id limit 1`;
    const row = (body: string, at: Date) => ({ channel: 'sms', recipient: to, lang: 'en', template: 'status_reply', template_id: '1107170000000000201', body, application_id: app!.id, next_attempt_at: at, created_at: now });
    // "collected" failed once and waits for its retry; "revoked" and a third were written after it, due now.
    await sql`insert into outbox ${sql([row('1 collected', new Date(now.getTime() + 60_000)), row('2 revoked', now), row('3 later', now)])}`;
    // A message about another matter to the same number is not held back.
    await sql`insert into outbox ${sql({ ...row('other matter', now), application_id: null })}`;
    await dispatchDue(server.runtime.deps);
    const sentTo = async () => (await sql<{ body: string }[]>`select body from dev_messages where recipient = ${to} order by id`).map((m) => m.body);
    expect(await sentTo()).toEqual(['other matter']);
    server.clock.advance(61_000);
    for (let i = 0; i < 4; i++) await dispatchDue(server.runtime.deps);
    expect(await sentTo()).toEqual(['other matter', '1 collected', '2 revoked', '3 later']);
  });

  test('messages about no application hold nothing back; a reply to "STATUS <AIN>" waits behind that application\'s own', async () => {
    const sql = server.runtime.deps.sql;
    const to = '+919830077004';
    const now = server.clock.now();
    const [app] = await sql<{ id: string; ain: string }[]>`select id::text, ain from applications order by id limit 1`;
    const row = (body: string, at: Date, applicationId: string | null) => ({ channel: 'sms', recipient: to, lang: 'en', template: 'status_reply', template_id: '1107170000000000201', body, application_id: applicationId, next_attempt_at: at, created_at: now });
    // A digest waiting for its retry, and a second one written after it, due now: nothing orders the two.
    await sql`insert into outbox ${sql([row('digest 1', new Date(now.getTime() + 3_600_000), null), row('digest 2', now, null)])}`;
    // The application's own message waits for its retry too; the number then asks for the application's state.
    await sql`insert into outbox ${sql(row('approved', new Date(now.getTime() + 60_000), app!.id))}`;
    const reply = await smsReplyTo(`STATUS ${app!.ain}`, to);
    const [queued] = await sql<{ applicationId: string | null }[]>`select application_id::text from outbox where recipient = ${to} and body = ${reply}`;
    expect(queued!.applicationId).toBe(app!.id);
    await dispatchDue(server.runtime.deps);
    const sentTo = async () => (await sql<{ body: string }[]>`select body from dev_messages where recipient = ${to} order by id`).map((m) => m.body);
    expect(await sentTo()).toEqual(['digest 2']);
    server.clock.advance(61_000);
    for (let i = 0; i < 3; i++) await dispatchDue(server.runtime.deps);
    expect(await sentTo()).toEqual(['digest 2', 'approved', reply]);
  });
});

describe('the right contacts (item 5)', () => {
  // Earlier tests moved the clock past the sessions' idle time.
  beforeAll(async () => {
    citizen = await loginClient(server.url, 'demo-citizen');
    bdo = await loginClient(server.url, 'demo-bdo');
  });
  type Sent = { channel: string; recipient: string; body: string; template: string };
  const about = async (ain: string) =>
    server.runtime.deps.sql<Sent[]>`
      select o.channel, o.recipient, o.body, o.template from outbox o join applications a on a.id = o.application_id
      where a.ain = ${ain} and o.channel in ('sms', 'email') order by o.id`;

  test("filed for a relative: the form's mobile and email hear of every change, the account holder too, each once, greeted by the applicant's name", async () => {
    const ain = await newApplication({ name: 'Sita Mondal', mobile: '98300 77010', email: 'Sita.Mondal@example.com' });
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const rows = await about(ain);
    for (const template of ['received', 'sent_for_enquiry']) {
      const step = rows.filter((r) => r.template === template);
      expect(step.filter((r) => r.channel === 'sms').map((r) => r.recipient).sort(), template).toEqual(['+919000000001', '+919830077010']);
      const emails = step.filter((r) => r.channel === 'email');
      expect(emails.map((r) => r.recipient), template).toContain('sita.mondal@example.com');
      expect(emails.find((r) => r.recipient === 'sita.mondal@example.com')!.body, template).toMatch(/^(Dear|প্রিয়|प्रिय) Sita Mondal,/);
      expect(new Set(step.map((r) => r.channel + r.recipient)).size).toBe(step.length);
    }
  });

  test('the same mobile on the form and the account gets one SMS per change; email goes out on every change, not only the first', async () => {
    const ain = await newApplication({ name: 'Rina Das', mobile: '+91 90000 00001', email: 'rina.form@example.com' });
    expect((await act(bdo, ain, { action: 'send_back', version: 1, remarks: 'Upload the whole page of the ration card.' })).status).toBe(200);
    const rows = await about(ain);
    expect(rows.filter((r) => r.channel === 'sms').map((r) => r.template)).toEqual(['received', 'sent_back']);
    expect(rows.filter((r) => r.channel === 'email' && r.recipient === 'rina.form@example.com').map((r) => r.template)).toEqual(['received', 'sent_back']);
  });
});

describe('what the citizen sees of the enquiry (item 6)', () => {
  beforeAll(async () => {
    citizen = await loginClient(server.url, 'demo-citizen');
    bdo = await loginClient(server.url, 'demo-bdo');
    eo = await loginClient(server.url, 'demo-eo');
  });

  test("before and after the decision the citizen sees no report, photo, position or recommendation; the history is in parts the page puts into words", async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
    const photo = await upload(eo, server.origin, { bytes: await testJpeg(3), name: 'visit.jpg', type: 'image/jpeg' }, 'field_photo');
    const report = await eo.post(
      `/api/applications/${ain}/report`,
      {
        version: 2,
        visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
        findings: 'Neighbours Abdul Karim and Mita Sen did not know the applicant at this address.',
        recommendation: 'do_not_recommend',
        position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
        photos: [photo.body.id]
      },
      { 'idempotency-key': idempotencyKey() }
    );
    expect(report.status).toBe(201);

    const before = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(before.status).toBe('enquiry_reported');
    expect(before.reports).toEqual([]);
    expect(JSON.stringify(before)).not.toMatch(/Abdul Karim|do_not_recommend|22\.7232/);
    expect((await fetch(`${server.url}/api/documents/${photo.body.id}`, { headers: { cookie: citizen.cookie } })).status).toBe(403);
    expect((await bdo.get(`/api/applications/${ain}`)).body.reports[0].findings).toContain('Abdul Karim');

    expect((await act(bdo, ain, { action: 'reject', version: 3, reason: 'not_resident', remarks: 'Not found living at the address.' })).status).toBe(200);
    const after = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(after.reports).toEqual([]);
    expect(after.decision).toEqual({ code: 'not_resident', remarks: 'Not found living at the address.' });
    const byAction = Object.fromEntries(after.events.map((e: { action: string }) => [e.action, e]));
    expect(byAction.submit_report).toMatchObject({ recommendation: null, remarks: null });
    expect(byAction.reject).toMatchObject({ reason: 'not_resident', remarks: 'Not found living at the address.' });
    const officer = Object.fromEntries((await bdo.get(`/api/applications/${ain}`)).body.events.map((e: { action: string }) => [e.action, e]));
    expect(officer.submit_report).toMatchObject({ recommendation: 'do_not_recommend', remarks: null });
  });

  test("an approval's recorded reason stays with the officers", async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'approve', version: 1, remarks: 'Known to the office; no enquiry needed.' })).status).toBe(200);
    const seen = (await citizen.get(`/api/applications/${ain}`)).body;
    expect(seen.decision).toBeNull();
    expect(JSON.stringify(seen)).not.toContain('no enquiry needed');
    expect(seen.events.find((e: { action: string }) => e.action === 'approve')).toMatchObject({ certificateNo: expect.stringMatching(/^ORC-/), remarks: null });
  });
});

describe('documents in the reader\'s language (item 7)', () => {
  beforeAll(async () => {
    citizen = await loginClient(server.url, 'demo-citizen');
  });

  test("the receipt is in the applicant's language above English; in English alone for an English reader", async () => {
    const ain = await newApplication();
    const receipt = async () => {
      const res = await fetch(`${server.url}/api/applications/${ain}/receipt.pdf`, { headers: { cookie: citizen.cookie } });
      expect(res.status).toBe(200);
      return actualText(new Uint8Array(await res.arrayBuffer())).replace(/\s+/g, ' ');
    };
    await server.runtime.deps.sql`update users set lang = 'bn' where id = 'demo-citizen'`;
    const bn = await receipt();
    for (const text of ['প্রাপ্তিস্বীকার রসিদ', 'Acknowledgement receipt', 'সাধারণ বাসিন্দা শংসাপত্র', 'Ordinary Residential Certificate', 'সমষ্টি উন্নয়ন আধিকারিক, বারাসত ১', 'Block Development Officer, Barasat I']) expect(bn).toContain(text);
    await server.runtime.deps.sql`update users set lang = 'hi' where id = 'demo-citizen'`;
    const hi = await receipt();
    for (const text of ['पावती रसीद', 'Acknowledgement receipt', 'खंड विकास अधिकारी, बारासात 1']) expect(hi).toContain(text);
    await server.runtime.deps.sql`update users set lang = 'en' where id = 'demo-citizen'`;
    const en = await receipt();
    expect(en).toContain('Acknowledgement receipt');
    expect(en).not.toMatch(/[\u0980-\u09FF\u0900-\u097F]/);
    await server.runtime.deps.sql`update users set lang = 'bn' where id = 'demo-citizen'`;
  });
});
