import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEvents, verifyChain } from '../../api/applications/audit.ts';
import { dispatchDue } from '../../api/notify/outbox.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let citizen: Client;
let bdo: Client;

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  const sql = server.runtime.deps.sql;
  await insertUser(sql, { id: 'bdo-deganga', role: 'bdo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830080001' });
  await insertUser(sql, { id: 'eo-deganga', role: 'eo', officeId: 'n24pgs/barasat-sadar/deganga', mobile: '+919830080002' });
  await insertUser(sql, { id: 'eo-barasat-2', role: 'eo', officeId: 'n24pgs/barasat-sadar/barasat-i', mobile: '+919830080003' });
});
afterAll(() => server.close());

async function newApplication(): Promise<string> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  return res.body.ain;
}

const act = (who: Client, ain: string, body: Record<string, unknown>) => who.post(`/api/applications/${ain}/actions`, body);

describe("the BDO's decisions (seed steps 3 and 5)", () => {
  test('the BDO forwards to an Enquiry Officer of the block, who then sees it; the citizen is told by SMS', async () => {
    const ain = await newApplication();
    const res = await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ain, status: 'under_enquiry', version: 2 });

    const eo = await loginClient(server.url, 'demo-eo');
    expect((await eo.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    expect((await eo.get(`/api/applications/${ain}`)).body).toMatchObject({ status: 'under_enquiry', assignedEoId: 'demo-eo' });
    const other = await loginClient(server.url, 'eo-barasat-2');
    expect((await other.get(`/api/applications/${ain}`)).status).toBe(403);

    // Messages about one application go out one after another, in order: "received", then "sent for enquiry".
    while ((await dispatchDue(server.runtime.deps)) > 0);
    const outbox = (await new Client(server.url).get('/api/dev/outbox')).body.messages as { recipient: string; body: string }[];
    expect(outbox.some((m) => m.recipient === '+919000000001' && m.body.includes(ain) && /field enquiry|সরেজমিন|स्थल/.test(m.body))).toBe(true);
  });

  test('two approvals of one application at once: one certificate, one 409, and every number taken is accounted for', async () => {
    const ain = await newApplication();
    const sql = server.runtime.deps.sql;
    const serial = async () =>
      (await sql<{ lastSerial: number }[]>`select last_serial from certificate_serials where office_id = 'n24pgs/barasat-sadar/barasat-i'`)[0]?.lastSerial ?? 0;
    const before = await serial();
    const body = { action: 'approve', version: 1, remarks: 'Residence evident from the documents; no enquiry needed.' };
    const answers = await Promise.all([act(bdo, ain, body), act(bdo, ain, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const issued = answers.find((a) => a.status === 200)!.body.certificateNo as string;
    const certificates = await sql<{ certificateNo: string }[]>`select c.certificate_no from certificates c join applications a on a.id = c.application_id where a.ain = ${ain}`;
    expect(certificates.map((c) => c.certificateNo)).toEqual([issued]);
    // Numbers are taken before the transactions: one the refused approval took (if it got that far before the
    // other committed) is kept with its reason, so the block's series has no unexplained gap.
    const unused = await sql<{ certificateNo: string; reason: string }[]>`
      select u.certificate_no, u.reason from unused_certificate_numbers u join applications a on a.id = u.application_id where a.ain = ${ain}`;
    expect((await serial()) - before).toBe(1 + unused.length);
    for (const u of unused) expect(u).toEqual({ certificateNo: expect.not.stringMatching(issued), reason: 'stale_version' });
  });

  test('a decision on a stale version gets 409 and changes nothing', async () => {
    const ain = await newApplication();
    expect((await act(bdo, ain, { action: 'send_back', version: 1, remarks: 'Upload a clearer residence certificate.' })).status).toBe(200);
    const stale = await act(bdo, ain, { action: 'reject', version: 1, reason: 'not_resident', remarks: 'Not found at the address.' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    expect(stale.body.error.message).toBe('Someone changed this application while you had it open. Reload it and decide again.');
    expect((await citizen.get(`/api/applications/${ain}`)).body).toMatchObject({ status: 'sent_back', version: 2 });
  });

  test("the BDO's queue puts open applications first, soonest due first, and filters by status", async () => {
    const later = await newApplication();
    server.clock.advance(10 * 60_000);
    const sooner = await newApplication();
    // Due dates are whole working days; make the second one fall due first, as if it had come in days earlier.
    const sql = server.runtime.deps.sql;
    await sql`update applications set due_at = due_at - interval '3 days' where ain = ${sooner}`;
    expect((await act(bdo, later, { action: 'send_back', version: 1, remarks: 'Upload a clearer residence certificate.' })).status).toBe(200);

    const queue = ((await bdo.get('/api/applications')).body.applications as { ain: string; status: string; dueAt: string }[]).filter((a) => [later, sooner].includes(a.ain));
    expect(queue.map((a) => a.ain)).toEqual([sooner, later]); // the sent-back one waits on the citizen, after the open ones
    const all = (await bdo.get('/api/applications')).body.applications as { status: string; dueAt: string }[];
    const open = all.filter((a) => ['submitted', 'under_enquiry', 'enquiry_reported'].includes(a.status));
    expect(all.slice(0, open.length)).toEqual(open);
    expect(open.map((a) => a.dueAt)).toEqual(open.map((a) => a.dueAt).sort());

    const sentBack = (await bdo.get('/api/applications?status=sent_back')).body.applications as { ain: string; status: string }[];
    expect(sentBack.map((a) => a.ain)).toContain(later);
    expect(sentBack.every((a) => a.status === 'sent_back')).toBe(true);
    expect((await bdo.get('/api/applications?status=nonsense')).status).toBe(400);
  });

  test('an action the state does not allow gets 409; another block\'s BDO, a citizen and an SDO get 403', async () => {
    const ain = await newApplication();
    const deganga = await loginClient(server.url, 'bdo-deganga');
    const sdo = await loginClient(server.url, 'demo-sdo');
    for (const who of [deganga, citizen, sdo]) {
      const res = await act(who, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await act(bdo, ain, { action: 're_enquire', version: 1 })).body.error.code).toBe('wrong_state');
    expect((await citizen.get(`/api/applications/${ain}`)).body.version).toBe(1);
  });

  test('an Enquiry Officer of another block cannot be chosen; a rejection needs a coded reason and remarks', async () => {
    const ain = await newApplication();
    const wrongEo = await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'eo-deganga' });
    expect(wrongEo.status).toBe(400);
    expect(wrongEo.body.error.fields).toEqual({ eoId: 'Choose an Enquiry Officer of this block.' });
    const noReason = await act(bdo, ain, { action: 'reject', version: 1, remarks: 'x' });
    expect(noReason.status).toBe(400);
    expect(Object.keys(noReason.body.error.fields).sort()).toEqual(['reason', 'remarks']);
    const rejected = await act(bdo, ain, { action: 'reject', version: 1, reason: 'documents_insufficient', remarks: 'The age proof is illegible.' });
    expect(rejected.body).toEqual({ ain, status: 'rejected', version: 2 });
  });

  test('every decision is one more link in the audit chain', async () => {
    const ain = await newApplication();
    await act(bdo, ain, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' });
    await act(bdo, ain, { action: 'reassign_eo', version: 2, eoId: 'eo-barasat-2' });
    const sql = server.runtime.deps.sql;
    const [app] = await sql<{ id: string }[]>`select id::text from applications where ain = ${ain}`;
    const events = await listEvents(sql, app!.id);
    expect(events.map((e) => [e.action, e.toStatus])).toEqual([
      ['submit', 'submitted'],
      ['forward_to_eo', 'under_enquiry'],
      ['reassign_eo', 'under_enquiry']
    ]);
    expect(verifyChain(events)).toBeNull();
    const first = await loginClient(server.url, 'demo-eo');
    expect((await first.get(`/api/applications/${ain}`)).status).toBe(403); // reassigned away from them
  });
});
