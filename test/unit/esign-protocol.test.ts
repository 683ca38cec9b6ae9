// eSign API 2.1 request building and response checking (issue 14 items 1 and 7), against the ESP simulator's keys.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildEsignRequest, checkEsignResponse, esignTimestamp, parseEsignTimestamp, verifiedRoot, type ResponseExpectations } from '../../api/esign/protocol.ts';
import { startEspMock, type EspMock } from '../mocks/esp.ts';

let esp: EspMock;
const digestHex = createHash('sha256').update('the signed byte ranges').digest('hex');
const at = new Date('2026-11-27T05:30:00Z');

beforeAll(async () => {
  esp = await startEspMock({ residents: { '999999990019': 'Amit Roy' }, otp: '424242', now: () => at });
}, 30_000);
afterAll(() => esp?.close());

const request = (txn: string = randomUUID()) =>
  buildEsignRequest({ aspId: esp.asp.id, txn, at, responseUrl: 'https://edistrict.example/api/esign/response', digestHex, docInfo: 'Ordinary Residential Certificate ORC-2026-11002-000017', aspKeyPem: esp.asp.keyPem, aspCertPem: esp.asp.certPem });

function expectations(txn: string, over: Partial<ResponseExpectations> = {}): ResponseExpectations {
  return { espCertPem: readEspCert(), trustedCaPems: [esp.caPem], txn, digestHex, officerName: 'Amit Roy', now: at, maxAgeMs: 15 * 60_000, ...over };
}
const readEspCert = () => readFileSync(esp.espCertPath, 'utf8');

describe('eSign request (ASP side)', () => {
  test('carries the 2.1 attributes, the InputHash with docInfo, and an enveloped signature the ASP certificate verifies', () => {
    const xml = request('TXN-0001-abcdef');
    const root = verifiedRoot(xml, esp.asp.certPem)!;
    expect(root.localName).toBe('Esign');
    expect(Object.fromEntries(['ver', 'sc', 'ts', 'txn', 'aspId', 'AuthMode', 'responseSigType', 'responseUrl', 'ekycIdType'].map((a) => [a, root.getAttribute(a)]))).toEqual({
      ver: '2.1',
      sc: 'Y',
      ts: '2026-11-27T11:00:00',
      txn: 'TXN-0001-abcdef',
      aspId: esp.asp.id,
      AuthMode: '1',
      responseSigType: 'pkcs7',
      responseUrl: 'https://edistrict.example/api/esign/response',
      ekycIdType: 'A'
    });
    const input = root.getElementsByTagName('InputHash')[0]!;
    expect([input.getAttribute('id'), input.getAttribute('hashAlgorithm'), input.getAttribute('docInfo'), input.textContent]).toEqual(['1', 'SHA256', 'Ordinary Residential Certificate ORC-2026-11002-000017', digestHex]);
    expect(xml).toContain('<Reference URI="">');
  });

  test('a request whose hash was changed after signing, or checked with another certificate, does not verify', () => {
    const xml = request();
    expect(verifiedRoot(xml.replace(digestHex, createHash('sha256').update('x').digest('hex')), esp.asp.certPem)).toBeNull();
    expect(verifiedRoot(xml, readEspCert())).toBeNull();
  });

  test('the ESP simulator accepts the signed request and shows its OTP page; it refuses an unsigned one', async () => {
    const txn = randomUUID();
    const ok = await fetch(esp.signUrl, { method: 'POST', body: new URLSearchParams({ eSignRequest: request(txn), aspTxnId: txn, 'Content-Type': 'application/xml' }) });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('OTP sent to the mobile number registered with Aadhaar');
    const unsigned = request(txn).replace(/<Signature[\s\S]*<\/Signature>/, '');
    expect((await fetch(esp.signUrl, { method: 'POST', body: new URLSearchParams({ eSignRequest: unsigned, aspTxnId: txn }) })).status).toBe(400);
  });

  test('timestamps are IST without a zone, both ways', () => {
    expect(esignTimestamp(at)).toBe('2026-11-27T11:00:00');
    expect(parseEsignTimestamp('2026-11-27T11:00:00')).toEqual(at);
    expect(parseEsignTimestamp('27-11-2026')).toBeNull();
  });
});

describe('eSign response (checked by the ASP)', () => {
  test('a good answer yields the PKCS#7 over our hash, by a certificate of the trusted CA naming the officer', async () => {
    const txn = randomUUID();
    const result = await checkEsignResponse(await esp.respond({ txn, digestHex, name: 'Amit Roy', tamper: null }), expectations(txn));
    expect(result).toMatchObject({ ok: true, signer: { commonName: 'Amit Roy' } });
    // The same name typed with other case and spacing is the same officer.
    expect(await checkEsignResponse(await esp.respond({ txn, digestHex, name: 'AMIT  ROY', tamper: null }), expectations(txn))).toMatchObject({ ok: true });
  });

  test.each([
    ['xml', 'xml-signature'],
    ['hash', 'hash'],
    ['txn', 'txn'],
    ['old', 'expired'],
    ['untrusted', 'untrusted'],
    ['name', 'name']
  ] as const)('a %s-tampered answer is refused as %s', async (tamper, reason) => {
    const txn = randomUUID();
    const result = await checkEsignResponse(await esp.respond({ txn, digestHex, name: 'Amit Roy', tamper }), expectations(txn));
    expect(result).toMatchObject({ ok: false, reason });
  });

  test('an answer that is not signed by the configured ESP is refused, whatever certificate it carries', async () => {
    const txn = randomUUID();
    const other = await startEspMock({ now: () => at });
    try {
      const forged = await other.respond({ txn, digestHex, name: 'Amit Roy', tamper: null });
      expect(await checkEsignResponse(forged, expectations(txn))).toMatchObject({ ok: false, reason: 'xml-signature' });
    } finally {
      await other.close();
    }
  });

  test('a cancelled OTP comes back as refused with the ESP’s code and message', async () => {
    const txn = randomUUID();
    const result = await checkEsignResponse(await esp.respond({ txn, digestHex, name: '', status: '0', errCode: 'ESP-USER-CANCELLED', errMsg: 'Cancelled by the signer', tamper: null }), expectations(txn));
    expect(result).toEqual({ ok: false, reason: 'refused', detail: 'ESP-USER-CANCELLED Cancelled by the signer' });
  });

  test('an answer older than the allowed age is expired even if everything else holds', async () => {
    const txn = randomUUID();
    const xml = await esp.respond({ txn, digestHex, name: 'Amit Roy', tamper: null });
    expect(await checkEsignResponse(xml, expectations(txn, { now: new Date(at.getTime() + 16 * 60_000) }))).toMatchObject({ ok: false, reason: 'expired' });
  });
});
