// Trusted timestamps (issue 14 item 3): with TSA_URL every signature carries an RFC 3161 token from the TSA over
// its signature value, OpenSSL checks both the CMS and the token, and verification reports the TSA's time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { officerCredential, trustedCaPem } from '../../api/certificates/credentials.ts';
import { signCertificatePdf, verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { OID, requestTimestamp, timestampInfo } from '../../api/signing/cms.ts';
import { startTsaMock, type TsaMock } from '../mocks/tsa.ts';

const OPENSSL = '/usr/bin/openssl';
const officer = { id: 'WB10000001', name: 'Amit Roy', officeName: 'Barasat-I Development Block' };
const dir = mkdtempSync(join(tmpdir(), 'orc-tsa-test-'));
let tsa: TsaMock;
let signed: Buffer;
let trusted: string[];

async function certificatePdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Ordinary Residential Certificate ORC-2026-11002-000017', { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc;
}

/** The signed ranges and the DER CMS of the file's signature, as a reader cuts them. */
function parts(pdf: Buffer): { data: Buffer; cms: Buffer } {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'))!;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const contents = Buffer.from(pdf.subarray(b + 1, c - 1).toString('latin1'), 'hex');
  const asn1 = asn1js.fromBER(new Uint8Array(contents));
  return { data: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), cms: contents.subarray(0, asn1.offset) };
}

beforeAll(async () => {
  tsa = await startTsaMock();
  const config = loadConfig({ DATA_DIR: dir });
  trusted = await trustedCaPem(config);
  // Signed now: the TSA's certificate is only valid from today.
  signed = await signCertificatePdf(await certificatePdf(), await officerCredential(config, officer), { reason: 'ORC', location: 'Barasat-I', name: officer.name, signedAt: new Date() }, tsa.url);
}, 60_000);
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RFC 3161 timestamps', () => {
  test('the CMS verifies with OpenSSL and its timestamp token verifies against the TSA root over the signature value', () => {
    expect(tsa.requests).toBe(1);
    const { data, cms } = parts(signed);
    writeFileSync(join(dir, 'data.bin'), data);
    writeFileSync(join(dir, 'sig.der'), cms);
    writeFileSync(join(dir, 'ca.pem'), trusted.join(''));
    const cmsCheck = spawnSync(OPENSSL, ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'data.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    expect(cmsCheck.stderr).toContain('Verification successful');

    // The token is the unsigned attribute id-aa-signatureTimeStampToken; its imprint is SHA-256(signature value).
    const signerInfo = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(new Uint8Array(cms)).result }).content }).signerInfos[0]!;
    const token = signerInfo.unsignedAttrs!.attributes.find((a) => a.type === OID.signatureTimeStampToken)!.values[0]!;
    writeFileSync(join(dir, 'token.der'), Buffer.from(token.toBER()));
    const imprint = createHash('sha256').update(signerInfo.signature.valueBlock.valueHexView).digest('hex');
    const tsCheck = spawnSync(OPENSSL, ['ts', '-verify', '-token_in', '-in', join(dir, 'token.der'), '-digest', imprint, '-CAfile', tsa.caPemPath], { encoding: 'utf8' });
    expect(tsCheck.stdout + tsCheck.stderr).toContain('Verification: OK');
    // Another imprint does not verify: the token is bound to this signature.
    const wrong = spawnSync(OPENSSL, ['ts', '-verify', '-token_in', '-in', join(dir, 'token.der'), '-digest', createHash('sha256').update('other').digest('hex'), '-CAfile', tsa.caPemPath], { encoding: 'utf8' });
    expect(wrong.stdout + wrong.stderr).not.toContain('Verification: OK');
  });

  test('verification reports the TSA and its time when the TSA root is trusted, and an unverified stamp otherwise', async () => {
    const report = await verifyCertificatePdf(signed, trusted, { trustedTsaCas: [tsa.caPem] });
    expect(report).toMatchObject({ valid: true, timestamp: { tsa: 'Test Time-Stamping Authority', valid: true }, signer: { commonName: 'Amit Roy' } });
    expect(Math.abs(report.timestamp!.at.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    const untrustedTsa = await verifyCertificatePdf(signed, trusted, { trustedTsaCas: [] });
    expect(untrustedTsa).toMatchObject({ valid: true, timestamp: { valid: false } });
  });

  test('pdfsig reads the timestamped signature', () => {
    writeFileSync(join(dir, 'signed.pdf'), signed);
    const run = spawnSync('pdfsig', [join(dir, 'signed.pdf')], { encoding: 'utf8' });
    // Poppler 22.12 (Debian 12) shows the signer, the digest and that the signature holds; it does not list RFC
    // 3161 timestamps (later Poppler does), which is why the token is checked with `openssl ts -verify` above.
    expect(run.stdout).toContain('Signer Certificate Common Name: Amit Roy');
    expect(run.stdout).toContain('Signature Validation: Signature is Valid.');
  });

  test('a TSA that refuses fails the signing instead of issuing a certificate without its timestamp', async () => {
    tsa.reject = true;
    try {
      const config = loadConfig({ DATA_DIR: dir });
      await expect(signCertificatePdf(await certificatePdf(), await officerCredential(config, officer), { reason: 'r', location: 'l', name: officer.name, signedAt: new Date() }, tsa.url)).rejects.toThrow(/refused/);
    } finally {
      tsa.reject = false;
    }
  });

  test('every nonce is sent as a DER INTEGER, so the TSA takes it and echoes it: one whose random first byte is zero too', async () => {
    // Drawn bytes 00 05 …: sent as they were drawn, OpenSSL's TSA refused the padded INTEGER, and one approval in
    // 256 failed (an eSign approval answered 500 on CI).
    for (const first of [0x00, 0x7f, 0x80, 0xff]) {
      const imprint = createHash('sha256').update(`document ${first}`).digest();
      const token = await requestTimestamp(tsa.url, imprint, 15_000, (size) => Buffer.from([first, 0x05, ...Array<number>(size - 2).fill(0x42)]));
      const nonce = Buffer.from(timestampInfo(new pkijs.ContentInfo({ schema: token })).nonce!.valueBlock.valueHexView);
      expect(nonce).toHaveLength(8);
      expect(nonce[0]).toBeGreaterThan(0);
      expect(nonce[0]).toBeLessThan(0x80);
    }
  });
});
