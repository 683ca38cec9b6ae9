// Keys in an HSM (issue 14 item 2) against SoftHSM2: a key generated on the token, never extractable, signs a
// certificate PDF that `openssl cms -verify` accepts, through the same path SIGNING_MODE=pkcs11 takes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../api/config.ts';
import { signCertificatePdf, verifyCertificatePdf } from '../../api/certificates/sign.ts';
import { SecretCache } from '../../api/secrets.ts';
import { officerKeySigner } from '../../api/signing/officer.ts';
import { generateTokenKey, generateTokenSealKey, officerKeyLabel, pkcs11KeySigner, storeTokenCertificate, tokenKeyExtractable } from '../../api/signing/pkcs11.ts';
import { districtSealPublicKeyPem, districtSealSigner } from '../../api/signing/seal-key.ts';
import { openSeal, sealPayload } from '../../api/certificates/seal.ts';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const dir = mkdtempSync(join(tmpdir(), 'orc-hsm-'));
const token = { module: MODULE, tokenLabel: 'orc-test', pin: '246810' };
const officer = { id: 'WB10000007', name: 'Sima Paul', officeName: 'Barasat-I Development Block' };
let caPem: string;

const der = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary');
const subjectDer = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.distinguishedNameToAsn1(c.subject)).getBytes(), 'binary');

beforeAll(() => {
  // SoftHSM reads its configuration when the library initialises: a private token folder for this test.
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', token.tokenLabel, '--pin', token.pin, '--so-pin', '13579'], { encoding: 'utf8', env: process.env });
  expect(init.status, init.stderr).toBe(0);

  // The CA that certifies the officer's token key (a licensed CA in production).
  const caKeys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(Date.now() - 86_400_000);
  ca.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  ca.setSubject([{ shortName: 'CN', value: 'Test State HSM CA' }]);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  caPem = forge.pki.certificateToPem(ca);

  const label = officerKeyLabel(officer.id);
  const { modulus, exponent } = generateTokenKey(token, label);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger(modulus.toString('hex'), 16), new forge.jsbn.BigInteger(exponent.toString('hex'), 16));
  cert.serialNumber = '0a';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ shortName: 'O', value: 'Government of West Bengal' }, { shortName: 'CN', value: officer.name }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: false, critical: true }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  storeTokenCertificate(token, label, der(cert), subjectDer(cert));
  storeTokenCertificate(token, 'ca:state', der(ca), subjectDer(ca));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function certificatePdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Ordinary Residential Certificate ORC-2026-11002-000021', { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc;
}

function opensslVerify(pdf: Buffer): string {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'))!;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const contents = Buffer.from(pdf.subarray(b + 1, c - 1).toString('latin1'), 'hex');
  writeFileSync(join(dir, 'sig.der'), contents.subarray(0, asn1js.fromBER(new Uint8Array(contents)).offset));
  writeFileSync(join(dir, 'data.bin'), Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const run = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'data.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return run.stderr;
}

describe('PKCS#11 (SoftHSM2)', () => {
  test('the key made on the token is sensitive and cannot be extracted', () => {
    expect(tokenKeyExtractable(token, officerKeyLabel(officer.id))).toEqual({ sensitive: true, extractable: false });
  });

  test('a certificate signed on the token verifies with openssl cms -verify and names the officer', async () => {
    const signer = pkcs11KeySigner(token, officerKeyLabel(officer.id));
    expect(signer.certificates).toHaveLength(2);
    const pdf = await signCertificatePdf(await certificatePdf(), signer, { reason: 'ORC', location: 'Barasat-I', name: officer.name, signedAt: new Date() });
    expect(opensslVerify(pdf)).toContain('Verification successful');
    expect(await verifyCertificatePdf(pdf, [caPem])).toMatchObject({ valid: true, signer: { commonName: 'Sima Paul' }, chain: ['Sima Paul', 'Test State HSM CA'] });
  });

  test('SIGNING_MODE=pkcs11 finds the officer key by label; an officer without one is refused', async () => {
    const config = loadConfig({ DATA_DIR: dir, SIGNING_MODE: 'pkcs11', PKCS11_MODULE: MODULE, PKCS11_TOKEN_LABEL: token.tokenLabel, PKCS11_PIN: token.pin });
    const keys = { config, secrets: new SecretCache() };
    const signer = await officerKeySigner(keys, 'pkcs11', officer);
    const pdf = await signCertificatePdf(await certificatePdf(), signer, { reason: 'ORC', location: 'Barasat-I', name: officer.name, signedAt: new Date() });
    expect(opensslVerify(pdf)).toContain('Verification successful');
    await expect(officerKeySigner(keys, 'pkcs11', { ...officer, id: 'WB10000099' })).rejects.toThrow(/no private key labelled officer-WB10000099/);
  });

  test('the district QR seal key lives on the token too: Ed25519 seals it makes open with its public key', async () => {
    const publicPem = generateTokenSealKey(token, 'district-seal');
    expect(tokenKeyExtractable(token, 'district-seal')).toEqual({ sensitive: true, extractable: false });
    const config = loadConfig({ DATA_DIR: dir, PKCS11_MODULE: MODULE, PKCS11_TOKEN_LABEL: token.tokenLabel, PKCS11_PIN: token.pin, PKCS11_SEAL_KEY_LABEL: 'district-seal' });
    const keys = { config, secrets: new SecretCache() };
    expect(await districtSealPublicKeyPem(keys)).toBe(publicPem);
    const fields = {
      certificateNo: 'ORC-2026-11002-000021',
      ain: '26110020000013',
      name: 'Sima Paul',
      issuedOn: '2026-11-27',
      officeCode: '11002',
      printed: { gender: 'female' as const, guardianRelation: 'father' as const, guardianName: 'Haripada Paul', address: 'Vill. Kazipara, Barasat I', yearsOfResidence: 20, officer: 'Amit Roy' }
    };
    const sealed = sealPayload(await districtSealSigner(keys), fields);
    expect(openSeal(publicPem, sealed)).toEqual({ ok: true, fields });
    expect(openSeal(publicPem, sealed.replace('Sima', 'Rima'))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('a wrong PIN is refused by the token', () => {
    expect(() => pkcs11KeySigner({ ...token, tokenLabel: token.tokenLabel, pin: '000000' }, officerKeyLabel(officer.id))).toThrow();
  });
});
