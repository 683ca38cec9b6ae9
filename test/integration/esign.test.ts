// Approval with eSign (issue 14 item 1) over real HTTP and a real database, against the ESP simulator: the BDO
// confirms, the browser carries the signed request to the ESP, passes its OTP page and brings the answer back; the
// certificate is issued with the ESP's PKCS#7 (and our TSA's timestamp) in its placeholder. Cancelling, waiting too
// long, a tampered answer or a replay leave the application as it was.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { trustedCaPem } from '../../api/certificates/credentials.ts';
import { verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { idempotencyKey, loginClient, uploadDocumentSet, validApplicant } from '../support/applications.ts';
import type { Client } from '../support/client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startEspMock, type EspMock } from '../mocks/esp.ts';
import { startTsaMock, type TsaMock } from '../mocks/tsa.ts';

const AADHAAR = '999999990019';
const BDO_NAME = 'Demo BDO Barasat I';
let server: TestServer;
let esp: EspMock;
let tsa: TsaMock;
let citizen: Client;
let bdo: Client;
let eo: Client;
const dir = mkdtempSync(join(tmpdir(), 'orc-esign-it-'));

beforeAll(async () => {
  esp = await startEspMock({ residents: { [AADHAAR]: BDO_NAME, '999999990020': 'Somebody Else' }, otp: '271828', now: () => server.clock.now() });
  tsa = await startTsaMock();
  server = await startTestServer(
    {
      ESIGN_ESP_URL: esp.signUrl,
      ESIGN_ASP_ID: esp.asp.id,
      ESIGN_ASP_KEY_PEM: esp.asp.keyPath,
      ESIGN_ASP_CERT_PEM: esp.asp.certPath,
      ESIGN_ESP_CERT_PEM: esp.espCertPath,
      ESIGN_TRUSTED_CA_PEM: esp.caPath,
      ESIGN_TIMEOUT_MINUTES: '15',
      TSA_URL: tsa.url,
      TSA_TRUSTED_CA_PEM: tsa.caPemPath
    },
    { dispatchIntervalMs: 0 }
  );
  // The TSA stamps with the real time, and an eSign certificate lives minutes: the signature's chain is judged at
  // the timestamp, so the server's clock must be the real one here.
  server.clock.advance(Date.now() - server.clock.now().getTime());
  // The BDO signs with eSign; the state's default stays dev.
  await server.runtime.deps.sql`update users set signing_mode = 'esign' where id = 'demo-bdo'`;
  citizen = await loginClient(server.url, 'demo-citizen');
  bdo = await loginClient(server.url, 'demo-bdo');
  eo = await loginClient(server.url, 'demo-eo');
}, 120_000);
afterAll(async () => {
  await server?.close();
  await esp?.close();
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An application the EO has reported on, waiting for the BDO's approval at version 3. */
async function reported(): Promise<string> {
  const documents = await uploadDocumentSet(citizen, server.origin);
  const res = await citizen.post('/api/applications', { applicant: validApplicant(), documents }, { 'idempotency-key': idempotencyKey() });
  expect(res.status).toBe(201);
  const ain = res.body.ain as string;
  expect((await bdo.post(`/api/applications/${ain}/actions`, { action: 'forward_to_eo', version: 1, eoId: 'demo-eo' })).status).toBe(200);
  const report = {
    version: 2,
    visitedAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
    findings: 'Met the applicant and two neighbours at the address; she has lived here since childhood.',
    recommendation: 'recommend',
    position: { latitude: 22.7232, longitude: 88.4809, accuracy: 12 },
    photos: []
  };
  expect((await eo.post(`/api/applications/${ain}/report`, report, { 'idempotency-key': idempotencyKey() })).status).toBe(201);
  return ain;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The browser at the ESP: posts the request, reads the OTP page, submits it; answers the form the ESP posts back. */
async function atEsp(start: { espUrl: string; fields: Record<string, string> }, form: { aadhaar?: string; otp?: string; action?: 'sign' | 'cancel' } = {}) {
  const page = await fetch(start.espUrl, { method: 'POST', body: new URLSearchParams(start.fields) });
  expect(page.status).toBe(200);
  const session = /name="session" value="([^"]+)"/.exec(await page.text())![1]!;
  const answer = await fetch(new URL('/esign/2.1/otp', start.espUrl), {
    method: 'POST',
    body: new URLSearchParams({ session, aadhaar: form.aadhaar ?? AADHAAR, otp: form.otp ?? esp.sentOtps.at(-1)!, consent: 'Y', action: form.action ?? 'sign' })
  });
  const html = await answer.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const response = /name="eSignResponse" value="([^"]*)"/.exec(html)?.[1];
  return { action: action && unescape(action), eSignResponse: response && unescape(response), html };
}

/** The ESP's page form-posts the answer to our responseUrl, cross-site, without our cookies. */
async function postBack(action: string, eSignResponse: string): Promise<{ status: number; location: string | null }> {
  const url = new URL(action);
  const res = await fetch(server.url + url.pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: new URL(esp.signUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ eSignResponse, espTxnId: 'esp-1' })
  });
  return { status: res.status, location: res.headers.get('location') };
}

async function start(ain: string, version = 3) {
  return bdo.post('/api/esign/start', { ain, version });
}

async function application(ain: string) {
  return (await bdo.get(`/api/applications/${ain}`)).body as { status: string; version: number };
}

function signatureParts(pdf: Buffer) {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'))!;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const contents = Buffer.from(pdf.subarray(b + 1, c - 1).toString('latin1'), 'hex');
  return { data: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), cms: contents.subarray(0, asn1js.fromBER(new Uint8Array(contents)).offset) };
}

describe('eSign approval', () => {
  test('the BDO confirms, passes the OTP page, and the certificate is issued with the ESP’s signature naming the BDO', async () => {
    const ain = await reported();
    // A one-step approval is refused: this officer signs with eSign.
    const direct = await bdo.post(`/api/applications/${ain}/actions`, { action: 'approve', version: 3 });
    expect([direct.status, direct.body.error.code]).toEqual([409, 'esign_required']);

    const started = await start(ain);
    expect(started.status).toBe(200);
    expect(started.body.espUrl).toBe(esp.signUrl);
    expect(started.body.fields.eSignRequest).toContain('<Esign ver="2.1"');
    // Awaiting signature, application unchanged; a second start waits for the first.
    expect((await bdo.get(`/api/esign/status/${ain}`)).body.pending).toEqual({ expiresAt: new Date(server.clock.now().getTime() + 15 * 60_000).toISOString() });
    expect(await application(ain)).toMatchObject({ status: 'enquiry_reported', version: 3 });
    expect((await start(ain)).body.error.code).toBe('esign_pending');

    // The hand-off page posts the same request to the ESP, which its own CSP (and only it) allows.
    const handoff = await fetch(server.url + started.body.goUrl, { headers: { cookie: bdo.cookie } });
    expect(handoff.headers.get('content-security-policy')).toContain(`form-action ${new URL(esp.signUrl).origin}`);
    const page = await handoff.text();
    expect(page).toContain(`action="${esp.signUrl}"`);
    expect(page).toContain(`name="aspTxnId" value="${started.body.fields.aspTxnId}"`);
    expect((await fetch(server.url + started.body.goUrl, { headers: { cookie: citizen.cookie } })).status).toBe(404);

    const { action, eSignResponse } = await atEsp(started.body);
    expect(action).toBe(`${server.origin}/api/esign/response`);
    const back = await postBack(action!, eSignResponse!);
    expect(back.status).toBe(303);
    const location = new URL(back.location!, server.origin);
    expect(location.pathname).toBe(`/applications/${ain}`);
    expect(location.searchParams.get('esign')).toBe('signed');
    const certificateNo = location.searchParams.get('no')!;
    expect(await application(ain)).toMatchObject({ status: 'approved', version: 4 });
    expect((await bdo.get(`/api/esign/status/${ain}`)).body).toMatchObject({ pending: null, last: { status: 'signed' } });

    // The citizen downloads it; its signature is the ESP's, over exactly the bytes issued, naming the BDO.
    const download = await fetch(`${server.url}/api/applications/${ain}/certificate.pdf`, { headers: { cookie: citizen.cookie } });
    expect(download.status).toBe(200);
    const pdf = Buffer.from(await download.arrayBuffer());
    const verified = await verifyCertificatePdf(pdf, await trustedCaPem(server.runtime.deps.config), { trustedTsaCas: [tsa.caPem] });
    expect(verified).toMatchObject({ valid: true, signer: { commonName: BDO_NAME, issuer: 'Test eSign CA 2026' }, timestamp: { valid: true, tsa: 'Test Time-Stamping Authority' } });
    const { data, cms } = signatureParts(pdf);
    writeFileSync(join(dir, 'data.bin'), data);
    writeFileSync(join(dir, 'sig.der'), cms);
    writeFileSync(join(dir, 'signed.pdf'), pdf);
    const openssl = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'data.bin'), '-CAfile', esp.caPath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    expect(openssl.stderr).toContain('Verification successful');
    const pdfsig = spawnSync('pdfsig', [join(dir, 'signed.pdf')], { encoding: 'utf8' });
    expect(pdfsig.stdout).toContain(`Signer Certificate Common Name: ${BDO_NAME}`);
    expect(pdfsig.stdout).toContain('Signature Validation: Signature is Valid.');
    const verify = await bdo.get(`/api/verify/${certificateNo}`);
    expect(verify.body.signature).toMatchObject({ valid: true, signer: BDO_NAME, chain: [BDO_NAME, 'Test eSign CA 2026'], timestamp: { valid: true } });

    // The same answer again is answered once: nothing changes.
    const replay = await postBack(action!, eSignResponse!);
    expect(new URL(replay.location!, server.origin).searchParams.get('esign')).toBe('answered');
    expect(await application(ain)).toMatchObject({ status: 'approved', version: 4 });
  });

  test('a cancelled OTP leaves the application waiting for approval; a retry keeps the same certificate number', async () => {
    const ain = await reported();
    const first = await start(ain);
    const cancelled = await atEsp(first.body, { action: 'cancel' });
    const back = await postBack(cancelled.action!, cancelled.eSignResponse!);
    const query = new URL(back.location!, server.origin).searchParams;
    expect([query.get('esign'), query.get('reason')]).toEqual(['refused', 'ESP-USER-CANCELLED Cancelled by the signer']);
    expect(await application(ain)).toMatchObject({ status: 'enquiry_reported', version: 3 });
    expect((await bdo.get(`/api/esign/status/${ain}`)).body).toMatchObject({ pending: null, last: { status: 'cancelled' } });

    const again = await start(ain);
    expect(again.status).toBe(200);
    const signed = await atEsp(again.body);
    const query2 = new URL((await postBack(signed.action!, signed.eSignResponse!)).location!, server.origin).searchParams;
    expect(query2.get('esign')).toBe('signed');
    const numbers = await server.runtime.deps.sql<{ certificateNo: string }[]>`select distinct certificate_no from esign_requests r join applications a on a.id = r.application_id where a.ain = ${ain}`;
    expect(numbers.map((n) => n.certificateNo)).toEqual([query2.get('no')]);
  });

  test('an answer after ESIGN_TIMEOUT_MINUTES is refused as expired, and the application can be signed afresh', async () => {
    const ain = await reported();
    const started = await start(ain);
    const { action, eSignResponse } = await atEsp(started.body);
    server.clock.advance(16 * 60_000);
    const back = await postBack(action!, eSignResponse!);
    expect(new URL(back.location!, server.origin).searchParams.get('esign')).toBe('expired');
    expect(await application(ain)).toMatchObject({ status: 'enquiry_reported', version: 3 });
    expect((await start(ain)).status).toBe(200);
  });

  test.each([
    ['hash', 'hash'],
    ['untrusted', 'untrusted'],
    ['xml', 'xml-signature']
  ] as const)('an answer with a %s fault is rejected (%s) and nothing is approved', async (tamper, reason) => {
    const ain = await reported();
    const started = await start(ain);
    esp.tamper = tamper;
    try {
      const { action, eSignResponse } = await atEsp(started.body);
      const query = new URL((await postBack(action!, eSignResponse!)).location!, server.origin).searchParams;
      expect([query.get('esign'), query.get('reason')]).toEqual(['rejected', reason]);
    } finally {
      esp.tamper = null;
    }
    expect(await application(ain)).toMatchObject({ status: 'enquiry_reported', version: 3 });
  });

  test('a certificate in another resident’s name is refused: it must name the officer', async () => {
    const ain = await reported();
    const { action, eSignResponse } = await atEsp((await start(ain)).body, { aadhaar: '999999990020' });
    const query = new URL((await postBack(action!, eSignResponse!)).location!, server.origin).searchParams;
    expect([query.get('esign'), query.get('reason')]).toEqual(['rejected', 'Somebody Else']);
    expect(await application(ain)).toMatchObject({ status: 'enquiry_reported' });
  });

  test('a stale version, another officer, or an answer for no request of ours is refused', async () => {
    const ain = await reported();
    expect((await start(ain, 2)).body.error.code).toBe('stale_version');
    expect((await (await loginClient(server.url, 'demo-eo')).post('/api/esign/start', { ain, version: 3 })).status).toBe(403);
    const stray = await esp.respond({ txn: '00000000-0000-4000-8000-000000000000', digestHex: '0'.repeat(64), name: BDO_NAME, tamper: null });
    const res = await fetch(`${server.url}/api/esign/response`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ eSignResponse: stray }), redirect: 'manual' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('esign_unknown');
  });

  test('the routes are in the OpenAPI document', async () => {
    const doc = (await bdo.get('/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/esign/start', '/api/esign/response', '/api/esign/status/{ain}']));
  });
});
