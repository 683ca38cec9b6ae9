import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig, type Config } from '../../api/config.ts';
import { officerCredential, trustedCaPem, type SigningCredential } from '../../api/certificates/credentials.ts';
import { districtPublicKeyPem, districtSealKey, openQrText, openSeal, qrText, sealPayload, type PrintedFacts, type SealFields } from '../../api/certificates/seal.ts';
import { signCertificatePdf, verifyCertificatePdf } from '../../api/certificates/sign.ts';

const OPENSSL = '/usr/bin/openssl';
const officer = { id: 'WB10000001', name: 'Amit Roy', officeName: 'Barasat-I Development Block' };
const signedAt = new Date('2026-11-27T05:30:00Z');
const meta = { reason: 'Ordinary Residential Certificate ORC-2026-11002-000017', location: 'Barasat-I, North 24 Parganas', name: officer.name, signedAt };

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orc-signing-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function certificatePdf(): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Ordinary Residential Certificate ORC-2026-11002-000017', { x: 50, y: 780, size: 14, font });
  page.drawText('This is to certify that Rina Das is an ordinary resident of Barasat-I.', { x: 50, y: 750, size: 11, font });
  return doc;
}

/** The two signed pieces of the file and the CMS without its zero padding, as a PDF reader would cut them. */
function signatureParts(pdf: Buffer): { range: number[]; data: Buffer; cms: Buffer } {
  const text = pdf.toString('latin1');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  let last: RegExpExecArray | null = null;
  for (let r = m.exec(text); r; r = m.exec(text)) last = r;
  const [a, b, c, d] = last!.slice(1).map(Number) as [number, number, number, number];
  const contents = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  // DER: tag, then a length either short (< 0x80) or 0x80 + n followed by n big-endian bytes.
  expect(contents[0]).toBe(0x30);
  const first = contents[1]!;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  const length = first < 0x80 ? first : contents.subarray(2, 2 + lengthBytes).reduce((n, byte) => n * 256 + byte, 0);
  const cms = contents.subarray(0, 2 + lengthBytes + length);
  expect(contents.subarray(cms.length).every((byte) => byte === 0)).toBe(true);
  return { range: [a, b, c, d], data: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), cms };
}

function opensslVerifies(pdf: Buffer, caPem: string): { status: number | null; stderr: string } {
  const dir = tempDir();
  const { data, cms } = signatureParts(pdf);
  writeFileSync(join(dir, 'data.bin'), data);
  writeFileSync(join(dir, 'sig.der'), cms);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const run = spawnSync(OPENSSL, ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'data.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

describe('officer credentials', () => {
  test('the development CA and an officer credential are made once and reused', async () => {
    const config = loadConfig({ DATA_DIR: tempDir() });
    const first = await officerCredential(config, officer);
    const again = await officerCredential(config, { ...officer, name: 'Renamed Later' });
    expect(again.certificatePem).toBe(first.certificatePem);
    expect(again.p12.equals(first.p12)).toBe(true);
    expect(await trustedCaPem(config)).toEqual([first.caPem]);

    const cert = new X509Certificate(first.certificatePem);
    const ca = new X509Certificate(first.caPem!);
    expect(cert.subject).toContain('CN=Amit Roy');
    expect(cert.subject).toContain('O=Government of West Bengal');
    expect(cert.subject).toContain('OU=Barasat-I Development Block');
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(ca.subject).toContain('CN=e-District North 24 Parganas Development CA');
    expect(ca.ca).toBe(true);
    const signing = join(config.dataDir, 'secrets', 'signing');
    for (const file of ['development-ca.pem', `${officer.id}.p12`, `${officer.id}.passphrase`]) {
      expect(statSync(join(signing, file)).mode & 0o777).toBe(0o600);
    }
  });

  test('officers signing for the first time at once end up with one CA and one credential each', { timeout: 30_000 }, async () => {
    const config = loadConfig({ DATA_DIR: tempDir() });
    const made = await Promise.all([officer, officer, { ...officer, id: 'WB10000002' }].map((o) => officerCredential(config, o)));
    expect(made[0]!.certificatePem).toBe(made[1]!.certificatePem);
    expect(new Set(made.map((c) => c.caPem)).size).toBe(1);
  });

  test('production without the officer\'s PKCS#12 refuses with the officer and the expected path', async () => {
    const dir = tempDir();
    const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), SIGNING_P12_DIR: dir, SIGNING_P12_PASSPHRASE: 'secret' });
    await expect(officerCredential(config, officer)).rejects.toThrow(`No signing credential for officer WB10000001: expected a PKCS#12 file at ${join(dir, 'WB10000001.p12')}`);
    const unset = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() });
    await expect(officerCredential(unset, officer)).rejects.toThrow(/officer WB10000001: SIGNING_P12_DIR must be set/);
    await expect(officerCredential(config, { ...officer, id: '../etc/passwd' })).rejects.toThrow(/cannot name a credential file/);
  });

  test('production signs with a PKCS#12 made by openssl and trusts the CA in SIGNING_TRUSTED_CA_PEM', { timeout: 20_000 }, async () => {
    const dir = tempDir();
    const ssl = (...args: string[]) => expect(spawnSync(OPENSSL, args, { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Test Licensed CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'officer.key', '-out', 'officer.csr', '-subj', '/CN=Sima Paul/O=Government of West Bengal');
    writeFileSync(join(dir, 'ext.cnf'), 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n');
    ssl('x509', '-req', '-in', 'officer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'ext.cnf', '-out', 'officer.pem');
    ssl('pkcs12', '-export', '-inkey', 'officer.key', '-in', 'officer.pem', '-certfile', 'ca.pem', '-out', 'WB10000009.p12', '-passout', 'pass:prod-secret');

    const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), SIGNING_P12_DIR: dir, SIGNING_P12_PASSPHRASE: 'prod-secret', SIGNING_TRUSTED_CA_PEM: join(dir, 'ca.pem') });
    const credential = await officerCredential(config, { id: 'WB10000009', name: 'Sima Paul', officeName: 'Barasat-I' });
    const pdf = await signCertificatePdf(await certificatePdf(), credential, { ...meta, signedAt: new Date() });
    expect(await verifyCertificatePdf(pdf, await trustedCaPem(config))).toMatchObject({ valid: true, signer: { commonName: 'Sima Paul' } });

    const wrong = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), SIGNING_P12_DIR: dir, SIGNING_P12_PASSPHRASE: 'guess' });
    await expect(officerCredential(wrong, { id: 'WB10000009', name: 'Sima Paul', officeName: 'Barasat-I' })).rejects.toThrow(/officer WB10000009.*wrong SIGNING_P12_PASSPHRASE/);
  });
});

describe('signed certificate PDF', () => {
  let config: Config;
  let credential: SigningCredential;
  let trusted: string[];
  let signed: Buffer;

  beforeAll(async () => {
    config = loadConfig({ DATA_DIR: tempDir() });
    credential = await officerCredential(config, officer);
    trusted = await trustedCaPem(config);
    signed = await signCertificatePdf(await certificatePdf(), credential, meta);
  }, 20_000);

  test('verifies, naming the officer and the signing time', async () => {
    const result = await verifyCertificatePdf(signed, trusted);
    expect(result).toEqual({
      valid: true,
      signer: { commonName: 'Amit Roy', serial: new X509Certificate(credential.certificatePem).serialNumber.toLowerCase(), issuer: 'e-District North 24 Parganas Development CA' },
      signedAt,
      // Untimestamped, no CRL configured: the report says so rather than leaving it out.
      timestamp: null,
      chain: ['Amit Roy', 'e-District North 24 Parganas Development CA'],
      revocation: 'not-checked'
    });
    const text = signed.toString('latin1');
    expect(text).toContain('/SubFilter /adbe.pkcs7.detached');
    expect(text).toContain('/M (D:20261127053000Z)');
  });

  test('openssl cms accepts the signature over the byte range, and refuses it after one signed byte changes', async () => {
    expect(opensslVerifies(signed, trusted[0]!)).toMatchObject({ status: 0 });

    const { range } = signatureParts(signed);
    const tampered = Buffer.from(signed);
    const at = Math.floor(range[1]! / 2); // inside the first signed piece, far from /Contents
    tampered[at] = tampered[at]! ^ 0x01;
    expect(opensslVerifies(tampered, trusted[0]!).status).not.toBe(0);
    expect(await verifyCertificatePdf(tampered, trusted)).toMatchObject({ valid: false, reason: 'tampered' });

    const tail = Buffer.from(signed);
    const end = range[2]! + 10; // inside the second signed piece, after /Contents
    tail[end] = tail[end]! ^ 0x01;
    expect(await verifyCertificatePdf(tail, trusted)).toMatchObject({ valid: false, reason: 'tampered' });
  });

  test('a revision appended after signing is not covered, so the file is invalid', async () => {
    const appended = Buffer.concat([signed, Buffer.from('\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n')]);
    expect(await verifyCertificatePdf(appended, trusted)).toMatchObject({ valid: false, reason: 'byte-range' });
  });

  test('a signature by a credential of another CA is untrusted', async () => {
    const other = loadConfig({ DATA_DIR: tempDir() });
    const stranger = await signCertificatePdf(await certificatePdf(), await officerCredential(other, officer), meta);
    expect(await verifyCertificatePdf(stranger, await trustedCaPem(other))).toMatchObject({ valid: true });
    expect(await verifyCertificatePdf(stranger, trusted)).toMatchObject({ valid: false, reason: 'untrusted', signer: { commonName: 'Amit Roy' } });
    expect(await verifyCertificatePdf(signed, [])).toMatchObject({ valid: false, reason: 'untrusted' });
  }, 20_000);

  test('garbage, truncated and doctored files are invalid, never an exception', async () => {
    const { range } = signatureParts(signed);
    const contentsHex = (pdf: Buffer, hex: string) => {
      const copy = Buffer.from(pdf);
      copy.write(hex.padEnd(range[2]! - range[1]! - 2, '0'), range[1]! + 1, 'latin1');
      return copy;
    };
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array()],
      ['random bytes', new Uint8Array(4096).map((_, i) => (i * 7919) % 251)],
      ['an unsigned PDF', await (await certificatePdf()).save()],
      ['half a signed PDF', signed.subarray(0, signed.length / 2)],
      ['a signed PDF missing its last byte', signed.subarray(0, signed.length - 1)],
      ['a ByteRange with absurd numbers', Buffer.from('%PDF-1.7\n/ByteRange [0 999999999999 1 2]\n/Contents <00>\n')],
      ['a ByteRange and Contents that do not meet', Buffer.from('%PDF-1.7\n<< /ByteRange [0 5 10 3] /Contents <3000> >>')],
      ['Contents that are not hex', contentsHex(signed, 'zz')],
      ['Contents that are not DER', contentsHex(signed, 'ffffffff')],
      ['Contents that are a truncated CMS', contentsHex(signed, signatureParts(signed).cms.subarray(0, 200).toString('hex'))]
    ];
    for (const [name, pdf] of cases) {
      const result = await verifyCertificatePdf(pdf, trusted);
      expect(result.valid, name).toBe(false);
      expect(result, name).toHaveProperty('reason');
    }
  });
});

describe('district seal on the QR code', () => {
  const fields: SealFields & { printed: PrintedFacts } = {
    certificateNo: 'ORC-2026-11002-000017',
    ain: '11002261127001',
    name: 'Rina Das',
    issuedOn: '2026-11-27',
    officeCode: '11002',
    printed: {
      gender: 'female',
      guardianRelation: 'father',
      guardianName: 'Haripada Das',
      address: 'Vill. Kazipara, P.O. Barasat, P.S. Barasat, Barasat I, North 24 Parganas - 700124',
      yearsOfResidence: 20,
      officer: 'Koushik Bhattacharya'
    }
  };
  let config: Config;
  let publicPem: string;
  let sealed: string;

  beforeAll(async () => {
    config = loadConfig({ DATA_DIR: tempDir() });
    sealed = sealPayload(await districtSealKey(config), fields);
    publicPem = await districtPublicKeyPem(config);
  });

  test('the development key is made once, kept private, with its public half beside it', async () => {
    const secrets = join(config.dataDir, 'secrets');
    expect(statSync(join(secrets, 'district-seal.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(secrets, 'district-seal.pub.pem'), 'utf8')).toBe(publicPem);
    expect(await districtPublicKeyPem(config)).toBe(publicPem);
    expect(sealPayload(await districtSealKey(config), fields)).toBe(sealed); // Ed25519 is deterministic
  });

  test('opens to the same fields, and a QR text stays short', () => {
    expect(openSeal(publicPem, sealed)).toEqual({ ok: true, fields });
    const qr = qrText('https://edistrict-n24pgs.wb.gov.in', fields.certificateNo, sealed);
    expect(qr).toBe(`https://edistrict-n24pgs.wb.gov.in/verify/ORC-2026-11002-000017#${sealed.replaceAll(' ', '%20')}`);
    expect(qr.length).toBeLessThan(400);
    expect(openQrText(publicPem, qr)).toEqual({ ok: true, fields });
  });

  test('every printed fact is sealed: an edited address, guardian, years, gender or officer is invalid', () => {
    for (const [from, to] of [
      ['Vill. Kazipara', 'Vill. Kazipura'],
      ['700124', '700125'],
      ['Haripada Das', 'Haripado Das'],
      ['~father~', '~mother~'],
      ['~20~', '~28~'],
      ['~female~', '~male~'],
      ['Koushik', 'Kaushik']
    ]) {
      expect(sealed).toContain(from);
      expect(openSeal(publicPem, sealed.replace(from!, to!)), from).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  test('a "~" or "%" in a field cannot shift the fields after it', async () => {
    const odd = { ...fields, printed: { ...fields.printed, officer: 'A~B %7E 100%' } };
    const opened = openSeal(publicPem, sealPayload(await districtSealKey(config), odd));
    expect(opened).toEqual({ ok: true, fields: odd });
  });

  test('a v1 seal (five fields, issued before every fact was sealed) still opens, without the printed facts', async () => {
    const key = await districtSealKey(config);
    const text = 'v1~ORC-2026-11002-000017~11002261127001~Rina Das~2026-11-27~11002';
    const v1 = `${text}.${sign(null, Buffer.from(text), key).toString('base64url')}`;
    expect(openSeal(publicPem, v1)).toEqual({ ok: true, fields: { certificateNo: 'ORC-2026-11002-000017', ain: '11002261127001', name: 'Rina Das', issuedOn: '2026-11-27', officeCode: '11002' } });
  });

  test('one changed character in a field or in the signature, or another key, is invalid', () => {
    expect(openSeal(publicPem, sealed.replace('Rina Das', 'Rina Daz'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(openSeal(publicPem, sealed.replace('2026-11-27', '2026-11-28'))).toEqual({ ok: false, reason: 'bad-signature' });
    const signature = sealed.slice(sealed.lastIndexOf('.') + 1);
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    expect(openSeal(publicPem, sealed.replace(signature, flipped))).toEqual({ ok: false, reason: 'bad-signature' });
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(openSeal(otherKey, sealed)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(openSeal(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, sealed)).toEqual({ ok: false, reason: 'bad-key' });
    for (const junk of ['', '.', 'v1~a.b', 'v2~x~y~z~w~v.' + signature, sealed + 'x']) expect(openSeal(publicPem, junk).ok, junk).toBe(false);
    // A genuine seal pasted behind another certificate's link does not vouch for that link.
    expect(openQrText(publicPem, qrText('https://x.example', 'ORC-2026-11002-000018', sealed))).toEqual({ ok: false, reason: 'certificate-mismatch' });
  });

  test('a certificate number with "/" stays one path segment', () => {
    const qr = qrText('https://x.example/', 'ORC/2026/17', sealPayload(generateKeyPairSync('ed25519').privateKey, { ...fields, certificateNo: 'ORC/2026/17' }));
    expect(new URL(qr).pathname).toBe('/verify/ORC%2F2026%2F17');
  });

  test('scripts/verify-qr.ts checks a QR offline: exit 0 when valid, 1 when tampered', { timeout: 30_000 }, () => {
    const keyFile = join(tempDir(), 'district-key.pem');
    writeFileSync(keyFile, publicPem);
    const run = (text: string) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-qr.ts', keyFile, text], { encoding: 'utf8' });
    const qr = qrText(config.origin, fields.certificateNo, sealed);
    const valid = run(qr);
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('Rina Das');
    expect(valid.stdout).toContain('Vill. Kazipara, P.O. Barasat');
    expect(valid.stdout).toContain('Haripada Das');
    expect(valid.stdout).toMatch(/Years of residence +20/);
    expect(valid.stdout).toMatch(/VALID\n$/);
    const tampered = run(qr.replace('11002261127001', '11002261127002'));
    expect(tampered.status).toBe(1);
    const movedHouse = run(qr.replace('Kazipara', 'Kazipura'));
    expect(movedHouse.status).toBe(1);
    expect(movedHouse.stdout).toContain('INVALID');
    expect(tampered.stdout).toContain('INVALID');
  });

  test('production needs DISTRICT_SEAL_KEY, an Ed25519 PEM file', async () => {
    await expect(districtSealKey(loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() }))).rejects.toThrow(/DISTRICT_SEAL_KEY must be set/);
    const file = join(tempDir(), 'seal.pem');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const prod = loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir(), DISTRICT_SEAL_KEY: file });
    expect(await districtPublicKeyPem(prod)).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(openSeal(publicKey, sealPayload(await districtSealKey(prod), fields))).toEqual({ ok: true, fields });
  });
});
