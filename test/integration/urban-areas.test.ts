// Urban areas (issue 13 item 5; DESIGN §13): residents of Bidhannagar Municipal Corporation and of the municipalities
// of every subdivision apply; the area → processing office → role data sends them to the SDO, who does the BDO's
// steps with an EO of the subdivision.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKey, insertUser, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import { Client } from '../support/client.ts';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const bmc = 'n24pgs/bidhannagar/bidhannagar-mc';

beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  await insertUser(sql, { id: 'sdo-bidhannagar', role: 'sdo', officeId: 'n24pgs/bidhannagar', mobile: '+919830040001', name: 'Mitali Basu' });
  await insertUser(sql, { id: 'eo-bidhannagar', role: 'eo', officeId: 'n24pgs/bidhannagar', mobile: '+919830040002' });
}, 120_000);
afterAll(() => server?.close());

describe('municipal areas (issue 13 item 5)', () => {
  test("every subdivision's municipal areas are offices with a 3-digit code, a kind and a named source, each mapped to its SDO", async () => {
    const { offices } = (await new Client(server.url).get('/api/offices?district=n24pgs')).body as { offices: { id: string; kind: string; code: string; subdivisionId: string; areaKind: string | null }[] };
    const urban = offices.filter((o) => o.kind === 'urban');
    expect(urban).toHaveLength(26);
    expect(urban.find((o) => o.id === bmc)).toMatchObject({ areaKind: 'municipal_corporation', subdivisionId: 'n24pgs/bidhannagar', code: '101' });
    for (const sub of ['barasat-sadar', 'barrackpore', 'bangaon', 'basirhat', 'bidhannagar']) expect(urban.some((o) => o.subdivisionId === `n24pgs/${sub}`), sub).toBe(true);
    const rows = await server.runtime.deps.sql<{ districtId: string; source: string | null; processingOfficeId: string | null; processingRole: string | null; subdivisionId: string | null }[]>`
      select o.district_id, o.source, p.processing_office_id, p.processing_role, o.subdivision_id
      from offices o left join area_processing p on p.area_office_id = o.id where o.kind = 'urban'`;
    expect(rows.filter((r) => r.districtId === 'n24pgs')).toHaveLength(26);
    for (const r of rows.filter((r) => r.districtId === 'n24pgs')) expect(r.source).toMatch(/Census 2011/);
    // Every district's municipal areas (api/offices/west-bengal.csv) go to their subdivision's SDO; the Kolkata
    // Municipal Corporation, in no subdivision, to no one yet.
    expect(new Set(rows.map((r) => r.districtId)).size).toBe(23);
    for (const r of rows) {
      if (r.subdivisionId) expect(r).toMatchObject({ processingRole: 'sdo', processingOfficeId: r.subdivisionId });
      else expect(r).toMatchObject({ districtId: 'kolkata', processingOfficeId: null });
    }
  });

  test("a Bidhannagar resident applies; the SDO scrutinises, an EO of the subdivision enquires, the SDO approves and signs as Sub-Divisional Officer", async () => {
    const citizen = await loginClient(server.url, 'demo-citizen');
    const documents = await uploadDocumentSet(citizen, server.origin);
    const applicant = validApplicant({ presentAddress: { house: 'CK-54, Sector II', postOffice: 'Bidhannagar', policeStation: 'Bidhannagar North', pin: '700091', blockId: bmc } });
    const res = await citizen.post('/api/applications', { applicant, documents }, { 'idempotency-key': idempotencyKey() });
    expect(res.status).toBe(201);
    const ain: string = res.body.ain;
    expect(ain.slice(2, 7)).toBe('11101'); // district 11, office 101

    const bdo = await loginClient(server.url, 'demo-bdo');
    expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'eo-bidhannagar' })).status).toBe(403);
    const sdo = await loginClient(server.url, 'sdo-bidhannagar');
    expect((await sdo.get('/api/applications')).body.applications.map((a: { ain: string }) => a.ain)).toContain(ain);
    const detail = (await sdo.get(`/api/applications/${ain}`)).body;
    expect(detail.actions).toEqual(expect.arrayContaining(['forward_to_eo', 'approve']));
    expect(detail.enquiryOfficers.map((e: { id: string }) => e.id)).toEqual(['eo-bidhannagar']);
    // A block's EO is not the subdivision's.
    const wrongEo = await sdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' });
    expect(wrongEo.status).toBe(400);
    expect((await sdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'eo-bidhannagar' })).status).toBe(200);

    const eo = await loginClient(server.url, 'eo-bidhannagar');
    const report = await eo.post(`/api/applications/${ain}/report`, {
      version: 2,
      visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
      findings: 'Met the applicant at the flat; the housing society confirms twelve years of residence.',
      recommendation: 'recommend',
      locationNote: 'Sector II',
      photos: []
    }, { 'idempotency-key': idempotencyKey() });
    expect(report.status).toBe(201);
    const approved = await sdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 3 });
    expect(approved.status).toBe(200);
    expect(approved.body.certificateNo).toMatch(/^ORC-\d{4}-11101-000001$/);
    const pdf = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } });
    expect(actualText(new Uint8Array(await pdf.arrayBuffer()))).toContain('Sub-Divisional Officer, Bidhannagar');
    // Another subdivision's SDO has no say.
    expect((await (await loginClient(server.url, 'demo-sdo')).get(`/api/applications/${ain}`)).status).toBe(403);
  });
});
