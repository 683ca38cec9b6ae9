// DigiLocker issuer (issue 14 item 5): the Pull URI and Pull Doc requests of the Issuer API Specification 1.12,
// built as the specification shows them and signed with x-digilocker-hmac (Base64 HMAC-SHA256 of the body with the
// API key), answered from the real register.
import { createHmac } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const API_KEY = 'digilocker-test-api-key-0123456789';
const ISSUER = 'in.gov.wb.edistrict';
let server: TestServer;
let citizen: Client;
let bdo: Client;
let eo: Client;
let certificateNo: string;
let ain: string;

beforeAll(async () => {
  server = await startTestServer({ DIGILOCKER_ISSUER_ID: ISSUER, DIGILOCKER_API_KEY: API_KEY, DIGILOCKER_ORG_ID: 'digilocker-org-7', DIGILOCKER_DOC_TYPE: 'RSCER' }, { dispatchIntervalMs: 0 });
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  eo = await loginClient(server.url, 'demo-eo');
  ({ ain, certificateNo } = await approved());
}, 120_000);
afterAll(() => server?.close());

async function approved(): Promise<{ ain: string; certificateNo: string }> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  const ain = res.body.ain as string;
  expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
  const report = { version: 2, visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(), findings: 'Met the applicant and two neighbours at the address.', recommendation: 'recommend', position: { latitude: 22.72, longitude: 88.48, accuracy: 12 }, photos: [] };
  expect((await eo.post(`/api/applications/${ain}/report`, report, { 'idempotency-key': idempotencyKey() })).status).toBe(201);
  const approve = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 3 });
  expect(approve.status).toBe(200);
  return { ain, certificateNo: approve.body.certificateNo };
}

/** The Pull URI Request of the specification (its sample's elements), with our search parameters in UDF1/UDF2. */
function pullUriXml(o: { udf1?: string; udf2?: string; name?: string; dob?: string; format?: string; txn?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2026-11-27T11:00:00+05:30" txn="${o.txn ?? '1452503688'}" orgId="digilocker-org-7" format="${o.format ?? 'both'}">
  <DocDetails>
    <DocType>RSCER</DocType>
    <DigiLockerId>123e4567-e89b-12d3-a456-426655440000</DigiLockerId>
    <UID>123412341234</UID>
    <FullName>${o.name ?? 'Rina Das'}</FullName>
    <DOB>${o.dob ?? '14-04-1998'}</DOB>
    <Photo></Photo>
    ${o.udf1 !== undefined ? `<UDF1>${o.udf1}</UDF1>` : ''}${o.udf2 !== undefined ? `<UDF2>${o.udf2}</UDF2>` : ''}
  </DocDetails>
</PullURIRequest>`;
}

function pullDocXml(uri: string, format = 'both'): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2026-11-27T11:05:00+05:30" txn="1452503999" orgId="digilocker-org-7" format="${format}">
  <DocDetails>
    <URI>${uri}</URI>
    <DigiLockerId>123e4567-e89b-12d3-a456-426655440000</DigiLockerId>
  </DocDetails>
</PullDocRequest>`;
}

const hmac = (body: string, key = API_KEY) => createHmac('sha256', key).update(body).digest('base64');

async function call(path: string, body: string, header: string | null = hmac(body)) {
  const res = await fetch(`${server.url}/api/digilocker/${path}`, { method: 'POST', headers: { 'content-type': 'application/xml', ...(header !== null ? { 'x-digilocker-hmac': header } : {}) }, body });
  const text = await res.text();
  const root = res.headers.get('content-type')?.startsWith('application/xml') ? new DOMParser().parseFromString(text, 'text/xml').documentElement : null;
  const get = (name: string) => root?.getElementsByTagName(name)[0]?.textContent ?? null;
  const status = root?.getElementsByTagName('ResponseStatus')[0];
  return { http: res.status, root, get, status: status?.getAttribute('Status') ?? null, ts: status?.getAttribute('ts'), txn: status?.getAttribute('txn'), text };
}

describe('DigiLocker Issuer API 1.12', () => {
  test('Pull URI by certificate number with the owner’s name and date of birth answers the URI, the PDF and the XML', async () => {
    const res = await call('pulluri', pullUriXml({ udf1: certificateNo }));
    expect([res.http, res.root?.localName, res.status, res.ts, res.txn]).toEqual([200, 'PullURIResponse', '1', '2026-11-27T11:00:00+05:30', '1452503688']);
    expect(res.get('URI')).toBe(`${ISSUER}-RSCER-${certificateNo}`);
    expect(Buffer.from(res.get('DocContent')!, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const data = new DOMParser().parseFromString(Buffer.from(res.get('DataContent')!, 'base64').toString('utf8'), 'text/xml').documentElement;
    expect([data.localName, data.getAttribute('number'), data.getAttribute('type'), data.getAttribute('status')]).toEqual(['Certificate', certificateNo, 'RSCER', 'A']);
    const person = data.getElementsByTagName('Person')[0]!;
    expect([person.getAttribute('name'), person.getAttribute('dob'), person.getAttribute('gender')]).toEqual(['Rina Das', '14-04-1998', 'F']);
  });

  test('Pull URI by AIN with name and date of birth finds the same certificate; format pdf leaves out DataContent', async () => {
    const res = await call('pulluri', pullUriXml({ udf2: ain, format: 'pdf' }));
    expect([res.status, res.get('URI'), res.get('DataContent')]).toEqual(['1', `${ISSUER}-RSCER-${certificateNo}`, null]);
    expect(res.get('DocContent')).not.toBeNull();
    // The AIN as a Bengali keyboard types it, grouped.
    const bengali = `${ain.slice(0, 7)} ${ain.slice(7)}`.replace(/\d/g, (d) => String.fromCharCode(0x09e6 + Number(d)));
    const again = await call('pulluri', pullUriXml({ udf2: bengali, format: 'pdf' }));
    expect([again.status, again.get('URI')]).toEqual(['1', `${ISSUER}-RSCER-${certificateNo}`]);
  });

  test('another person’s name or date of birth, or an unknown number, answers Status 0 with no document', async () => {
    for (const body of [pullUriXml({ udf1: certificateNo, name: 'Someone Else' }), pullUriXml({ udf2: ain, dob: '01-01-1990' }), pullUriXml({ udf1: 'ORC-2026-11002-999999' })]) {
      const res = await call('pulluri', body);
      expect([res.http, res.status, res.get('URI'), res.get('DocContent')]).toEqual([200, '0', null, null]);
    }
  });

  test('Pull Doc for the saved URI answers the PDF and the XML; a URI of another issuer or doc type is Status 0', async () => {
    const res = await call('pulldoc', pullDocXml(`${ISSUER}-RSCER-${certificateNo}`));
    expect([res.root?.localName, res.status, res.txn]).toEqual(['PullDocResponse', '1', '1452503999']);
    const pdf = Buffer.from(res.get('DocContent')!, 'base64');
    const stored = await (await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } })).arrayBuffer();
    expect(pdf.equals(Buffer.from(stored))).toBe(true);
    expect(res.get('DataContent')).not.toBeNull();
    expect((await call('pulldoc', pullDocXml(`in.gov.other-RSCER-${certificateNo}`))).status).toBe('0');
    expect((await call('pulldoc', pullDocXml(`${ISSUER}-INCER-${certificateNo}`))).status).toBe('0');
  });

  test('without the right x-digilocker-hmac, or with another orgId, nothing is answered', async () => {
    const body = pullUriXml({ udf1: certificateNo });
    expect((await call('pulluri', body, null)).http).toBe(401);
    expect((await call('pulluri', body, hmac(body, 'another-key-0123456789'))).http).toBe(401);
    // The HMAC covers the body: the same header on a changed body fails.
    expect((await call('pulluri', body.replace('Rina Das', 'Rina  Das'), hmac(body))).http).toBe(401);
    const otherOrg = body.replace('orgId="digilocker-org-7"', 'orgId="someone"');
    expect((await call('pulluri', otherOrg)).http).toBe(403);
    expect((await call('pulluri', '<NotARequest/>')).http).toBe(400);
  });

  test('a revoked certificate is no longer pulled: Pull URI and Pull Doc answer Status 0', async () => {
    const other = await approved();
    const dm = await loginClient(server.url, 'demo-dm');
    expect((await dm.post(`/api/certificates/${other.certificateNo}/revoke`, { reason: 'Issued on a forged residence proof.' })).status).toBe(200);
    expect((await call('pulluri', pullUriXml({ udf1: other.certificateNo }))).status).toBe('0');
    expect((await call('pulldoc', pullDocXml(`${ISSUER}-RSCER-${other.certificateNo}`))).status).toBe('0');
  });

  test('the routes are in the OpenAPI document, and the certificate page learns how to find it in DigiLocker', async () => {
    const doc = (await bdo.get('/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/digilocker/pulluri', '/api/digilocker/pulldoc', '/api/digilocker/about']));
    expect((await bdo.get('/api/digilocker/about')).body).toEqual({ available: true, issuer: 'e-District West Bengal', docType: 'RSCER' });
  });
});
