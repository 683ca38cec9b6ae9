// MIS figures (seed §D, feature 5) checked against a small data set built by hand, each figure worked out below.
// Period: November 2026 (Kolkata). "Now" is the test clock: 27 November 2026, 10:30 in Kolkata.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loginClient } from '../support/applications.ts';
import { createHash } from 'node:crypto';
import { actualText } from '../support/pdf.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const BARASAT = 'n24pgs/barasat-sadar/barasat-i';
const DEGANGA = 'n24pgs/barasat-sadar/deganga';
const BADURIA = 'n24pgs/basirhat/baduria';
const ist = (day: string) => new Date(`${day}T10:00:00+05:30`);

// [key, block, channel, status, submitted, decided, decision due, step due, rejection reason]
const rows: [string, string, 'web' | 'kiosk' | 'csc', string, string, string | null, string, string | null, string | null][] = [
  ['A1', BARASAT, 'web', 'approved', '2026-11-02', '2026-11-04', '2026-11-07', null, null], // 2 days, on time
  ['A2', BARASAT, 'kiosk', 'rejected', '2026-11-03', '2026-11-12', '2026-11-09', null, 'not_resident'], // 9 days, late
  ['A3', BARASAT, 'csc', 'delivered', '2026-11-10', '2026-11-11', '2026-11-16', null, null], // 1 day, on time
  ['A4', BARASAT, 'web', 'submitted', '2026-11-20', null, '2026-11-26', '2026-11-21', null], // pending scrutiny, past its time
  ['A5', BARASAT, 'web', 'under_enquiry', '2026-11-25', null, '2026-12-01', '2026-12-05', null], // pending enquiry
  ['A6', BARASAT, 'web', 'approved', '2026-10-15', '2026-11-05', '2026-10-20', null, null], // received before, decided in: 21 days, late
  ['B1', DEGANGA, 'web', 'rejected', '2026-11-05', '2026-11-06', '2026-11-10', null, 'duplicate'], // 1 day, on time
  ['B2', DEGANGA, 'csc', 'sent_back', '2026-11-06', null, '2026-11-12', null, null], // waiting for the citizen
  ['B3', DEGANGA, 'web', 'submitted', '2026-11-26', null, '2026-12-02', '2026-11-28', null], // pending, in time
  ['C1', BADURIA, 'web', 'approved', '2026-11-05', '2026-11-06', '2026-11-10', null, null] // another subdivision
];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { dispatchIntervalMs: 0 });
  const sql = server.runtime.deps.sql;
  for (const [i, [key, office, channel, status, submitted, decided, due, stepDue, reason]] of rows.entries()) {
    await sql`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                sla_started_at, step_due_at, updated_at, decided_at, decision_code, idempotency_key, request_hash)
      values (${String(26_000_000_000_000 + i)}, ${status}, 'demo-citizen', 'demo-citizen', ${channel}, ${office}, ${key}, '{}'::jsonb,
              ${ist(submitted)}, ${ist(due)}, ${ist(submitted)}, ${stepDue ? ist(stepDue) : null}, ${ist(submitted)},
              ${decided ? ist(decided) : null}, ${reason}, ${'mis-' + key}, 'x')`;
  }
});
afterAll(() => server.close());

const period = '?from=2026-11-01&to=2026-11-30';

describe('MIS summary', () => {
  test("the SDO's subdivision: every figure as worked out by hand", async () => {
    const res = await (await loginClient(server.url, 'demo-sdo')).get(`/api/mis/summary${period}`);
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.scope).toMatchObject({ officeId: 'n24pgs/barasat-sadar', nameEn: 'Barasat Sadar' });
    expect(s.totals).toEqual({
      received: 8, // A1–A5, B1–B3 (A6 came in October, C1 is another subdivision's)
      disposed: 5, // A1, A2, A3, A6, B1
      approved: 3, // A1, A3 (delivered), A6
      rejected: 2, // A2, B1
      pendingByStep: { scrutiny: 2, enquiry: 1, approval: 0, sentBack: 1 }, // A4 B3 | A5 | - | B2
      pendingBeyondSla: 1, // A4
      compliancePercent: 60, // A1, A3, B1 of five
      medianDisposalDays: 2, // 1 1 2 9 21
      p90DisposalDays: 16.2 // 9 + 0.6 × (21 − 9)
    });
    expect(s.channels).toEqual({ web: 5, kiosk: 1, csc: 2 });
    expect(s.rejectionReasons).toEqual([{ reason: 'duplicate', count: 1 }, { reason: 'not_resident', count: 1 }]);
    expect(s.blocks).toHaveLength(7 + 5); // 7 blocks and 5 municipal areas (issue 13)
    expect(s.blocks.find((b: { officeId: string }) => b.officeId === BARASAT)).toMatchObject({ received: 5, approved: 3, rejected: 1, pending: 2, beyondSla: 1, compliancePercent: 50 });
    expect(s.blocks.find((b: { officeId: string }) => b.officeId === DEGANGA)).toMatchObject({ received: 3, approved: 0, rejected: 1, pending: 2, beyondSla: 0, compliancePercent: 100 });
    expect(s.blocks.find((b: { officeId: string }) => b.officeId === 'n24pgs/barasat-sadar/amdanga')).toMatchObject({ received: 0, compliancePercent: null });
  });

  test('the BDO sees the block, the DM the district; one block of it on request', async () => {
    const bdo = (await (await loginClient(server.url, 'demo-bdo')).get(`/api/mis/summary${period}`)).body;
    expect(bdo.blocks.map((b: { officeId: string }) => b.officeId)).toEqual([BARASAT]);
    expect(bdo.totals).toMatchObject({ received: 5, disposed: 4, approved: 3, rejected: 1, compliancePercent: 50 });
    const dm = await loginClient(server.url, 'demo-dm');
    const district = (await dm.get(`/api/mis/summary${period}`)).body;
    expect(district.blocks).toHaveLength(22 + 26); // 22 blocks and 26 municipal areas (issue 13)
    expect(district.totals).toMatchObject({ received: 9, approved: 4, rejected: 2 });
    const one = (await dm.get(`/api/mis/summary${period}&office=${DEGANGA}`)).body;
    expect(one.totals).toMatchObject({ received: 3, rejected: 1 });
    // One block's report still names every office of the district, for the form's choice; a BDO has nothing to choose.
    expect(one.blocks.map((b: { officeId: string }) => b.officeId)).toEqual([DEGANGA]);
    expect(one.offices.map((o: { officeId: string }) => o.officeId)).toEqual(district.blocks.map((b: { officeId: string }) => b.officeId));
    expect(bdo.offices).toEqual([]);
    expect((await (await loginClient(server.url, 'demo-bdo')).get(`/api/mis/summary${period}&office=${DEGANGA}`)).status).toBe(403);
  });

  test('other roles are refused; a bad period is named', async () => {
    for (const who of ['demo-citizen', 'demo-operator', 'demo-eo', 'demo-admin']) {
      expect((await (await loginClient(server.url, who)).get(`/api/mis/summary${period}`)).status).toBe(403);
    }
    const sdo = await loginClient(server.url, 'demo-sdo');
    const reversed = await sdo.get('/api/mis/summary?from=2026-11-30&to=2026-11-01');
    expect(reversed.status).toBe(400);
    expect(Object.keys(reversed.body.error.fields)).toEqual(['from']);
    const bad = await sdo.get('/api/mis/summary?from=2026-02-30&to=yesterday');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['from', 'to']);
    // With no period: the last 30 days up to today.
    expect((await sdo.get('/api/mis/summary')).body).toMatchObject({ from: '2026-10-29', to: '2026-11-27' });
  });

  test('CSV: one row per block and a total; PDF: an official record naming the officer, the time, the offices and the period', async () => {
    const sdo = await loginClient(server.url, 'demo-sdo');
    const csv = await fetch(`${server.url}/api/mis/summary.csv${period}`, { headers: { cookie: sdo.cookie } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="mis-.*-2026-11-01-2026-11-30\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('block,received,approved,rejected,pending,beyond_sla,on_time_percent');
    expect(lines).toContain('"Barasat I",5,3,1,2,1,50');
    expect(lines).toContain('"Deganga",3,0,1,2,0,100');
    expect(lines.at(-1)).toBe('"Total",8,3,2,4,1,60');
    expect(lines).toHaveLength(1 + 7 + 5 + 1); // header, 7 blocks, 5 municipal areas (issue 13), total

    const pdf = await fetch(`${server.url}/api/mis/summary.pdf${period}`, { headers: { cookie: sdo.cookie, 'accept-language': 'en' } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    // A name too long for its column in both languages takes two lines, the English under the Bengali, instead of
    // running into the figures.
    const district = actualText(new Uint8Array(await (await fetch(`${server.url}/api/mis/summary.pdf${period}`, { headers: { cookie: (await loginClient(server.url, 'demo-dm')).cookie } })).arrayBuffer())).replace(/\s+/g, ' ');
    expect(district).toMatch(/বিধাননগর পৌরনিগম (\d+ ){5}- Bidhannagar Municipal Corporation/);
    expect(district).toContain('হাবড়া পৌরসভা / Habra Municipality');
    const text = actualText(bytes).replace(/\s+/g, ' ');
    // Headings in Bengali beside English (issue 12), the offices, the period, who and when.
    expect(text).toContain('এমআইএস প্রতিবেদন: সাধারণ বাসিন্দা শংসাপত্র');
    expect(text).toContain('MIS report: Ordinary Residential Certificate');
    expect(text).toContain('দপ্তর / Offices: বারাসত সদর / Barasat Sadar');
    expect(text).toContain('2026-11-01 – 2026-11-30');
    expect(text).toMatch(/Generated: 27 November 2026 at 10:30:00 am \(Asia\/Kolkata\), Demo SDO Barasat Sadar \(SDO, demo-sdo\)/i);
    expect(text).toContain('বারাসত ১ / Barasat I');
    // A totals row like the CSV's, and no internal wording.
    expect(text).toMatch(/মোট \/ Total 8 3 2 4 1 60 %/);
    expect(text).not.toMatch(/seed|section D/i);

    // The downloaded PDF is the record: kept with its hash, who and when, and fetched again unchanged.
    const recordId = pdf.headers.get('x-record-id')!;
    expect(text).toContain(`no. ${recordId}`);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(pdf.headers.get('x-content-sha256')).toBe(sha);
    const record = await sdo.get(`/api/mis/records/${recordId}`);
    expect(record.body).toMatchObject({ id: recordId, pdfSha256: sha, generatedBy: 'demo-sdo', scope: 'n24pgs/barasat-sadar', periodFrom: '2026-11-01', periodTo: '2026-11-30', lang: 'en' });
    expect(record.body.generatedAt).toBe(server.clock.now().toISOString());
    server.clock.advance(5 * 60_000); // later, the same bytes, not a fresh rendering
    const again = await fetch(`${server.url}/api/mis/records/${recordId}/pdf`, { headers: { cookie: sdo.cookie } });
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    // The DM (whose district covers it) may read it; a BDO of one block of it may not, and is told nothing.
    const dm = await loginClient(server.url, 'demo-dm');
    expect((await fetch(`${server.url}/api/mis/records/${recordId}/pdf`, { headers: { cookie: dm.cookie } })).status).toBe(200);
    const bdo = await loginClient(server.url, 'demo-bdo');
    expect((await fetch(`${server.url}/api/mis/records/${recordId}/pdf`, { headers: { cookie: bdo.cookie } })).status).toBe(404);
  });
});
