// Issue 15 item 1: with two districts, an officer of one sees nothing of the other, and the state officer sees both
// but acts on neither. District A is North 24 Parganas with its demo officers; district B is made by the test
// (test/support/district.ts) with one officer of each role. Each has applications, documents, an escalation, an
// acting charge and an appeal.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweep } from '../../api/sla/sweeper.ts';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { insertDistrict, type TestDistrict } from '../support/district.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let b: TestDistrict;
const HOUR = 3_600_000;
const A_BLOCK = 'n24pgs/barasat-sadar/barasat-i';

/** What each district holds, as its own officers would find it. */
const held = { a: { ains: [] as string[], documents: [] as string[] }, b: { ains: [] as string[], documents: [] as string[] } };
let lateA = '';
let lateB = '';

async function file(client: Client, blockId: string, mobile: string): Promise<{ ain: string; documents: string[] }> {
  const documents = await uploadDocumentSet(client, server.origin);
  const applicant = validApplicant({ mobile, email: `a${mobile}@example.com`, presentAddress: { ...validApplicant().presentAddress, blockId } });
  const res = await client.post('/api/applications', { applicant, documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ain: res.body.ain, documents };
}

const ainsOf = (res: { body: { applications: { ain: string }[] } }) => res.body.applications.map((x) => x.ain);

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  b = await insertDistrict(sql);
  await insertUser(sql, { id: 'state-2', role: 'state', mobile: '+919830070002', name: 'Second State Officer' });

  // District A: the demo citizen on the web and the demo CSC operator; district B: its CSC operator.
  const a1 = await file(await loginClient(server.url, 'demo-citizen'), A_BLOCK, '9000000001');
  const a2 = await file(await loginClient(server.url, 'demo-operator'), A_BLOCK, '9830070101');
  const operatorB = await loginClient(server.url, b.users.operator);
  const b1 = await file(operatorB, b.block, '9830070201');
  const b2 = await file(operatorB, b.block, '9830070202');
  const b3 = await file(operatorB, b.block, '9830070203');
  held.a = { ains: [a1.ain, a2.ain], documents: [...a1.documents, ...a2.documents] };
  held.b = { ains: [b1.ain, b2.ain, b3.ain], documents: [...b1.documents, ...b2.documents, ...b3.documents] };

  // The scrutiny of a1 and b1 goes past its time in both districts: a breach each, escalated to a DM.
  lateA = a1.ain;
  lateB = b1.ain;
  server.clock.advance(72 * HOUR);
  await sweep(server.runtime.deps);

  // B's BDO forwards b2 to B's EO and rejects b3, which B's counter appeals to B's SDO.
  const bdoB = await loginClient(server.url, b.users.bdo);
  expect((await bdoB.post(`/api/applications/${b2.ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: b.users.eo })).status).toBe(200);
  expect((await bdoB.post(`/api/applications/${b3.ain}/actions`, { action: 'reject', version: 1, reason: 'not_resident', remarks: 'No proof of residence in the block.' })).status).toBe(200);
  // (A new session: the three days the clock moved ended the first.)
  const appeal = await (await loginClient(server.url, b.users.operator)).post(`/api/applications/${b3.ain}/appeals`, { grounds: 'The applicant has lived in the block for twenty years; the Pradhan certifies it.' });
  expect(appeal.status, JSON.stringify(appeal.body)).toBe(201);
  // B's SDO names B's EO to act for B's BDO: an acting charge in district B.
  const today = (await (await loginClient(server.url, b.users.sdo)).get('/api/acting-charges')).body.today as string;
  const charge = await (await loginClient(server.url, b.users.sdo)).post('/api/acting-charges', {
    officeId: b.block,
    role: 'bdo',
    actingUserId: b.users.eo,
    startsOn: today,
    endsOn: today,
    reason: 'The BDO is on leave for the day.'
  });
  expect(charge.status, JSON.stringify(charge.body)).toBe(201);
}, 240_000);
afterAll(() => server?.close());

describe('the SLA sweeper alerts the DM of the application\'s district', () => {
  test('a late scrutiny in each district reaches that district\'s DM and no other', async () => {
    const sql = server.runtime.deps.sql;
    const alerted = async (ain: string) =>
      [...new Set((await sql<{ userId: string }[]>`
        select distinct o.user_id from outbox o join applications a on a.id = o.application_id
        where a.ain = ${ain} and o.template = 'escalation'`).map((r) => r.userId))].sort();
    expect(await alerted(lateA)).toEqual(['demo-dm']);
    expect(await alerted(held.a.ains[1]!)).toEqual(['demo-dm']);
    expect(await alerted(lateB)).toEqual([b.users.dm]);
  });
});

describe('an officer of district A sees nothing of district B', () => {
  const officersA = ['demo-dm', 'demo-sdo', 'demo-bdo', 'demo-eo', 'demo-operator'];

  test.each(officersA)('%s: no application of B in the list, and none opens, nor its documents', async (who) => {
    const c = await loginClient(server.url, who);
    const listed = ainsOf(await c.get('/api/applications'));
    for (const ain of held.b.ains) expect(listed).not.toContain(ain);
    for (const ain of held.b.ains) expect((await c.get(`/api/applications/${ain}`)).status).toBe(403);
    for (const id of held.b.documents) expect([403, 404]).toContain((await c.get(`/api/documents/${id}`)).status);
  });

  test("B's acknowledgement receipt is issued in B's name, not North 24 Parganas's", async () => {
    const operatorB = await loginClient(server.url, b.users.operator);
    const receipt = await fetch(`${server.url}/api/applications/${held.b.ains[0]}/receipt.pdf`, { headers: { cookie: operatorB.cookie } });
    expect(receipt.status).toBe(200);
    const text = actualText(new Uint8Array(await receipt.arrayBuffer()));
    expect(text).toContain('Office of the District Magistrate, Test District 1');
    expect(text).not.toContain('North 24 Parganas');
  });

  test("and B's officers see nothing of A", async () => {
    for (const who of Object.values(b.users)) {
      const c = await loginClient(server.url, who);
      const listed = ainsOf(await c.get('/api/applications'));
      for (const ain of held.a.ains) {
        expect(listed).not.toContain(ain);
        expect((await c.get(`/api/applications/${ain}`)).status).toBe(403);
      }
      for (const id of held.a.documents) expect([403, 404]).toContain((await c.get(`/api/documents/${id}`)).status);
    }
    // Each sees their own district's, as before.
    expect(ainsOf(await (await loginClient(server.url, b.users.dm)).get('/api/applications'))).toEqual(expect.arrayContaining(held.b.ains));
    // B's EO holds b2's enquiry, and (acting for B's BDO today) B's queue: still nothing of A.
    expect(ainsOf(await (await loginClient(server.url, b.users.eo)).get('/api/applications')).sort()).toEqual([...held.b.ains].sort());
  });

  test('MIS: the summary and its exports hold no block of B, and asking for B is refused with a translated message', async () => {
    for (const who of ['demo-dm', 'demo-sdo', 'demo-bdo']) {
      const c = await loginClient(server.url, who);
      const summary = await c.get('/api/mis/summary');
      expect(summary.status).toBe(200);
      expect(summary.body.level).not.toBe('state');
      expect(summary.body.districts).toEqual([]);
      expect(summary.body.blocks.map((x: { officeId: string }) => x.officeId)).not.toContain(b.block);
      for (const asked of [`district=${b.district}`, `subdivision=${b.subdivision}`, `office=${b.block}`]) {
        for (const path of ['/api/mis/summary', '/api/mis/summary.csv', '/api/mis/summary.pdf']) {
          const res = await c.get(`${path}?${asked}`);
          expect({ who, path, asked, status: res.status }).toEqual({ who, path, asked, status: 403 });
        }
      }
      const csv = await fetch(`${server.url}/api/mis/summary.csv`, { headers: { cookie: c.cookie } });
      expect(await csv.text()).not.toContain('Test Alpha');
    }
    const inBengali = new Client(server.url, 'bn');
    await inBengali.post('/api/auth/login', { login: 'demo-dm', password: 'demo-password' });
    const bn = await inBengali.get(`/api/mis/summary?district=${b.district}`);
    expect(bn.body.error).toMatchObject({ code: 'office_out_of_reach', message: 'এই দপ্তরটি আপনার এক্তিয়ারের মধ্যে নয়।' });
    // Nobody asks above their own office: an SDO for the district, a BDO for the subdivision.
    expect((await (await loginClient(server.url, 'demo-sdo')).get('/api/mis/summary?district=n24pgs')).status).toBe(403);
    expect((await (await loginClient(server.url, 'demo-bdo')).get('/api/mis/summary?subdivision=n24pgs/barasat-sadar')).status).toBe(403);
    const own = await (await loginClient(server.url, 'demo-dm')).get('/api/mis/summary?subdivision=n24pgs/barasat-sadar');
    expect(own.body).toMatchObject({ level: 'subdivision', scope: { officeId: 'n24pgs/barasat-sadar' } });
    // B's DM likewise sees only B.
    const dmB = (await (await loginClient(server.url, b.users.dm)).get('/api/mis/summary')).body;
    expect(dmB.blocks.map((x: { officeId: string }) => x.officeId)).toEqual([b.block]);
    expect(dmB.totals.received).toBe(3);
  });

  test('escalations: only the own district\'s breaches; asking for B is refused', async () => {
    for (const who of ['demo-dm', 'demo-sdo', 'demo-bdo']) {
      const c = await loginClient(server.url, who);
      const res = await c.get('/api/sla/escalations?all=1');
      expect(res.status).toBe(200);
      expect(res.body.breaches.map((x: { ain: string }) => x.ain)).not.toContain(lateB);
      expect(res.body.districts.map((d: { officeId: string }) => d.officeId)).not.toContain(b.district);
      expect((await c.get(`/api/sla/escalations?district=${b.district}`)).status).toBe(403);
      expect((await c.get(`/api/sla/escalations?office=${b.block}`)).status).toBe(403);
    }
    const dm = (await (await loginClient(server.url, 'demo-dm')).get('/api/sla/escalations')).body;
    expect(dm.breaches.map((x: { ain: string }) => x.ain)).toContain(lateA);
    const dmB = (await (await loginClient(server.url, b.users.dm)).get('/api/sla/escalations')).body;
    expect(dmB.breaches.map((x: { ain: string }) => x.ain)).toEqual([lateB]);
    // A's DM cannot acknowledge or take over B's breach.
    const breachB = dmB.breaches[0].id as string;
    const dmA = await loginClient(server.url, 'demo-dm');
    expect((await dmA.post(`/api/sla/breaches/${breachB}/acknowledge`, { comment: 'Looking into it today' })).status).toBe(403);
    expect((await dmA.post(`/api/sla/breaches/${breachB}/take-over`, { remarks: 'Deciding it myself today' })).status).toBe(403);
  });

  test('staff, counters, acting charges and appeals of B are not listed to A', async () => {
    const dm = await loginClient(server.url, 'demo-dm');
    const sdo = await loginClient(server.url, 'demo-sdo');
    for (const c of [dm, sdo]) {
      const ids = (await c.get('/api/users')).body.users.map((u: { id: string }) => u.id);
      for (const id of Object.values(b.users)) expect(ids).not.toContain(id);
      const charges = (await c.get('/api/acting-charges')).body.charges as { officeId: string }[];
      expect(charges.filter((ch) => ch.officeId.startsWith(b.district + '/'))).toEqual([]);
      const appeals = (await c.get('/api/appeals')).body.appeals as { ain: string }[];
      expect(appeals.map((p) => p.ain)).not.toContain(held.b.ains[2]);
    }
    const counters = (await dm.get('/api/counters/managed')).body.counters as { id: string }[];
    expect(counters.map((x) => x.id)).not.toContain(b.csc);
    // A's DM cannot manage B's staff.
    expect((await dm.post(`/api/users/${b.users.bdo}/deactivate`, { reason: 'Transferred out of the district' })).status).toBe(403);
    // B's SDO sees B's charge and appeal: the lists are not simply empty.
    const sdoB = await loginClient(server.url, b.users.sdo);
    expect(((await sdoB.get('/api/acting-charges')).body.charges as { officeId: string }[]).map((ch) => ch.officeId)).toContain(b.block);
    expect(((await sdoB.get('/api/appeals')).body.appeals as { ain: string }[]).map((p) => p.ain)).toContain(held.b.ains[2]);
  });
});

describe('the state officer sees every district and acts on none', () => {
  test('applications, documents and appeals of both districts', async () => {
    const state = await loginClient(server.url, 'demo-state');
    const listed = ainsOf(await state.get('/api/applications'));
    expect(listed).toEqual(expect.arrayContaining([...held.a.ains, ...held.b.ains]));
    for (const ain of [held.a.ains[0]!, held.b.ains[0]!]) {
      const detail = await state.get(`/api/applications/${ain}`);
      expect(detail.status).toBe(200);
      expect(detail.body.actions).toEqual([]);
    }
    expect((await state.get(`/api/documents/${held.b.documents[0]}`)).status).toBe(200);
    expect(((await state.get('/api/appeals')).body.appeals as { ain: string }[]).map((p) => p.ain)).toContain(held.b.ains[2]);
  });

  test('MIS: one row per district, drilling down to a district, a subdivision and a block; the exports follow', async () => {
    const state = await loginClient(server.url, 'demo-state');
    const top = (await state.get('/api/mis/summary')).body;
    expect(top.level).toBe('state');
    expect(top.scope).toMatchObject({ officeId: 'state', nameEn: 'West Bengal' });
    expect(top.blocks).toEqual([]);
    expect(top.trail).toEqual([]);
    const rows = top.districts as { officeId: string; received: number; pending: number }[];
    // Every district of the state, in AIN-code order (11 North 24 Parganas … 98 the test's), the empty ones too.
    const districts = await server.runtime.deps.sql<{ id: string }[]>`select id from offices where kind = 'district' order by code`;
    expect(districts.length).toBe(24); // the 23 of api/offices/west-bengal.csv and the test's
    expect(rows.map((d) => d.officeId)).toEqual(districts.map((d) => d.id));
    expect(rows.filter((d) => d.received > 0).map((d) => d.officeId)).toEqual(['n24pgs', b.district]);
    expect(rows.find((d) => d.officeId === b.district)).toMatchObject({ received: 3, pending: 2 }); // b3 was rejected
    expect(rows.find((d) => d.officeId === 'n24pgs')).toMatchObject({ received: 2, pending: 2 });
    expect(top.totals.received).toBe(5);

    const district = (await state.get(`/api/mis/summary?district=${b.district}`)).body;
    expect(district).toMatchObject({ level: 'district', scope: { officeId: b.district } });
    expect(district.blocks.map((x: { officeId: string }) => x.officeId)).toEqual([b.block]);
    expect(district.trail.map((o: { officeId: string }) => o.officeId)).toEqual([b.district]);
    const sub = (await state.get(`/api/mis/summary?subdivision=${b.subdivision}`)).body;
    expect(sub).toMatchObject({ level: 'subdivision', trail: [{ officeId: b.district }, { officeId: b.subdivision }] });
    const block = (await state.get(`/api/mis/summary?office=${b.block}`)).body;
    expect(block).toMatchObject({ level: 'block', totals: { received: 3 } });
    expect(block.trail.map((o: { kind: string }) => o.kind)).toEqual(['district', 'subdivision', 'block']);
    // A block asked for under the wrong district is refused, not silently widened.
    expect((await state.get(`/api/mis/summary?district=n24pgs&office=${b.block}`)).status).toBe(403);
    expect((await state.get('/api/mis/summary?district=nowhere')).status).toBe(403);

    const csv = await fetch(`${server.url}/api/mis/summary.csv`, { headers: { cookie: state.cookie } });
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^district,/);
    // A row per district, as on the page; the two with applications carry them.
    expect(lines.slice(1, -1)).toHaveLength(24);
    expect(lines.slice(1, -1).filter((l) => !/^"[^"]+",0,/.test(l)).map((l) => l.split(',')[0])).toEqual(['"North 24 Parganas"', '"Test District 1"']);
    const csvB = await fetch(`${server.url}/api/mis/summary.csv?district=${b.district}`, { headers: { cookie: state.cookie } });
    expect((await csvB.text()).split('\r\n')[1]).toMatch(/^"Test Alpha 1",3,/);
    const pdf = await fetch(`${server.url}/api/mis/summary.pdf`, { headers: { cookie: state.cookie } });
    expect(pdf.status).toBe(200);
    // The record names the state as its offices and has a row per district, under a District column.
    const text = actualText(new Uint8Array(await pdf.clone().arrayBuffer()));
    expect(text).toContain('West Bengal');
    expect(text).toContain('Test District 1');
    // Every district is named in Bengali beside English (the offices file has all 23), none twice in English.
    expect(text.replace(/\s+/g, ' ')).toContain('বীরভূম / Birbhum');
    expect(text.replace(/\s+/g, ' ')).not.toMatch(/\b(\w[\w ]+) \/ \1\b/);
    expect(text).toMatch(/District/);
    expect(text).not.toContain('Test Alpha 1');
    // Issued by the state's e-District, not by any one district's DM.
    expect(text).toContain('Government of West Bengal, e-District');
    expect(text).not.toContain('Office of the District Magistrate');
    // A district's record is its own DM office's, on the heading and in every page's footer.
    const pdfB = actualText(new Uint8Array(await (await fetch(`${server.url}/api/mis/summary.pdf`, { headers: { cookie: (await loginClient(server.url, b.users.dm)).cookie } })).arrayBuffer()));
    expect(pdfB).toContain('Office of the District Magistrate, Test District 1, e-District');
    expect(pdfB).toContain('Official record of e-District, Test District 1');
    expect(pdfB).not.toContain('North 24 Parganas');
    // The state-level record is kept, and another state officer may read it; a DM may not.
    const record = pdf.headers.get('x-record-id');
    expect((await (await loginClient(server.url, 'state-2')).get(`/api/mis/records/${record}`)).status).toBe(200);
    expect((await (await loginClient(server.url, 'demo-dm')).get(`/api/mis/records/${record}`)).status).toBe(404);
  });

  test('escalations of every district, each naming its district, and filtered to one', async () => {
    const state = await loginClient(server.url, 'demo-state');
    const all = (await state.get('/api/sla/escalations')).body;
    const late = new Map((all.breaches as { ain: string; districtId: string }[]).map((x) => [x.ain, x.districtId]));
    expect(late.get(lateA)).toBe('n24pgs');
    expect(late.get(lateB)).toBe(b.district);
    expect((all.districts as { live: number }[]).filter((d) => d.live > 0)).toEqual([
      expect.objectContaining({ officeId: 'n24pgs', nameEn: 'North 24 Parganas', live: 2 }), // a1 and a2
      expect.objectContaining({ officeId: b.district, nameEn: 'Test District 1', live: 1 }) // b1: b2 was forwarded, b3 decided
    ]);
    expect(all.handOverTo).toEqual([]);
    const onlyB = (await state.get(`/api/sla/escalations?district=${b.district}`)).body;
    expect(onlyB.breaches.map((x: { ain: string }) => x.ain)).toEqual([lateB]);
    expect(onlyB.blocks.map((x: { officeId: string }) => x.officeId)).toEqual([b.block]);
    // And down to one block of another district: only its breaches, its row, its district.
    const blockA = (all.breaches as { ain: string; officeId: string }[]).find((x) => x.ain === lateA)!.officeId;
    const onlyBlock = (await state.get(`/api/sla/escalations?office=${encodeURIComponent(blockA)}`)).body;
    expect(onlyBlock.breaches.map((x: { ain: string }) => x.ain)).toContain(lateA);
    expect(new Set(onlyBlock.breaches.map((x: { officeId: string }) => x.officeId))).toEqual(new Set([blockA]));
    expect(onlyBlock.blocks.map((x: { officeId: string }) => x.officeId)).toEqual([blockA]);
    expect(onlyBlock.districts.map((x: { officeId: string }) => x.officeId)).toEqual(['n24pgs']);
  });

  test('cannot forward, approve, acknowledge, take over, manage staff, counters or acting charges', async () => {
    const state = await loginClient(server.url, 'demo-state');
    const breach = ((await state.get('/api/sla/escalations')).body.breaches as { id: string; ain: string }[]).find((x) => x.ain === lateB)!;
    expect((await state.post(`/api/applications/${lateB}/actions`, { action: 'forward_to_eo', version: 1, eoId: b.users.eo })).status).toBe(403);
    expect((await state.post(`/api/applications/${lateA}/actions`, { action: 'approve', version: 1 })).status).toBe(403);
    expect((await state.post(`/api/sla/breaches/${breach.id}/acknowledge`, { comment: 'Looking into it today' })).status).toBe(403);
    expect((await state.post(`/api/sla/breaches/${breach.id}/take-over`, { remarks: 'Deciding it myself today' })).status).toBe(403);
    expect((await state.get('/api/users')).status).toBe(403);
    expect((await state.post('/api/users', { name: 'Someone New', mobile: '9830070301', role: 'bdo', officeId: b.block })).status).toBe(403);
    expect((await state.post(`/api/users/${b.users.bdo}/deactivate`, { reason: 'Transferred out of the district' })).status).toBe(403);
    expect((await state.get('/api/counters/managed')).status).toBe(403);
    expect((await state.post('/api/acting-charges', { officeId: b.block, role: 'bdo', actingUserId: b.users.eo, startsOn: '2026-12-01', endsOn: '2026-12-01', reason: 'The BDO is on leave.' })).status).toBe(403);
    expect((await state.get('/api/mis/operations')).status).toBe(403);
    // Nothing changed: the applications wait where they were.
    const sql = server.runtime.deps.sql;
    const rows = await sql<{ status: string }[]>`select status from applications where ain in ${sql([lateA, lateB])}`;
    expect(rows.map((r) => r.status)).toEqual(['submitted', 'submitted']);
  });
});

describe('the administrator creates a state officer', () => {
  test('with no office; an office sent with the role is refused, and a DM still needs one', async () => {
    const admin = await loginClient(server.url, 'demo-admin');
    const created = await admin.post('/api/users', { name: 'Anita Sen', mobile: '9830070401', role: 'state' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sql = server.runtime.deps.sql;
    const [row] = await sql<{ role: string; officeId: string | null }[]>`select role, office_id from users where id = ${created.body.userId}`;
    expect(row).toEqual({ role: 'state', officeId: null });
    const withOffice = await admin.post('/api/users', { name: 'Anita Sen', mobile: '9830070402', role: 'state', officeId: 'n24pgs' });
    expect(withOffice.status).toBe(400);
    expect(withOffice.body.error.fields).toHaveProperty('officeId');
    expect((await admin.post('/api/users', { name: 'Anita Sen', mobile: '9830070403', role: 'dm' })).status).toBe(400);
    // The database holds the same rule: a state officer has no office.
    await expect(sql`update users set office_id = 'n24pgs' where id = ${created.body.userId}`).rejects.toThrow();
  });
});
