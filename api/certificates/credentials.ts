// The approving officer's signing credential (DESIGN §9). Production loads the officer's PKCS#12 from
// SIGNING_P12_DIR; development makes a local CA and one credential per officer on first use and keeps them under
// DATA_DIR/secrets/signing, like the other development secrets (server.ts), so restarts keep verifying old PDFs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import type { Config } from '../config.ts';
import { readOrCreate } from '../secrets.ts';

export interface SigningCredential {
  /** DER PKCS#12 holding the officer's key, certificate and (if any) the issuing CA certificates. */
  p12: Buffer;
  passphrase: string;
  certificatePem: string;
  caPem?: string;
}

export interface Officer {
  id: string;
  name: string;
  officeName: string;
}

/** The officer's credential, read (or in development made) each call: `officerKeySigner` keeps it per runtime. */
export async function officerCredential(config: Config, officer: Officer): Promise<SigningCredential> {
  // The id becomes a file name: anything but a plain identifier could walk out of the folder.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(officer.id)) throw new Error(`Officer id ${JSON.stringify(officer.id)} cannot name a credential file.`);
  const { p12Dir, p12Passphrase } = config.signing;
  if (p12Dir) return loadOfficerP12(join(p12Dir, `${officer.id}.p12`), p12Passphrase, officer.id);
  if (config.production) {
    throw new Error(`No signing credential for officer ${officer.id}: SIGNING_P12_DIR must be set in production and hold ${officer.id}.p12.`);
  }
  return developmentOfficerCredential(config.dataDir, officer);
}

/** The CA certificates a certificate's signature must chain to, read each call: `trustAnchors` keeps them. */
export async function trustedCaPem(config: Config): Promise<string[]> {
  // Certificates signed with eSign chain to the ESP's CA (issue 14), trusted alongside the officers' own.
  const esign = config.esign.trustedCaPath ? splitPem(await readFile(config.esign.trustedCaPath, 'utf8')) : [];
  return [...(await loadOfficerCas(config)), ...esign];
}

async function loadOfficerCas(config: Config): Promise<string[]> {
  const path = config.signing.trustedCaPath;
  if (path) return splitPem(await readFile(path, 'utf8'));
  // Production without SIGNING_TRUSTED_CA_PEM trusts nobody: every signature then reports "untrusted".
  if (config.production) return [];
  return [(await developmentCa(config.dataDir)).certificatePem];
}

async function loadOfficerP12(path: string, passphrase: string | undefined, officerId: string): Promise<SigningCredential> {
  if (passphrase === undefined) throw new Error("SIGNING_P12_PASSPHRASE must be set to open the officers' PKCS#12 files.");
  let p12: Buffer;
  try {
    p12 = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`No signing credential for officer ${officerId}: expected a PKCS#12 file at ${path}.`);
    throw err;
  }
  // Opened here, not only when signing, so a wrong passphrase or a file without a key fails naming the officer.
  let certificates: ReturnType<typeof openP12>;
  try {
    certificates = openP12(p12, passphrase);
  } catch (err) {
    throw new Error(`Cannot open the PKCS#12 of officer ${officerId} at ${path} (wrong SIGNING_P12_PASSPHRASE?): ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!certificates) throw new Error(`The PKCS#12 of officer ${officerId} at ${path} holds no RSA key with its certificate.`);
  return { p12, passphrase, ...certificates };
}

// PKCS#12 bag types (RFC 7292), spelled out: forge's oids table is typed as a loose string index.
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';

/**
 * The certificate that matches the key, and the others (the issuing CAs), the way @signpdf/signer-p12 reads the
 * file: an RSA key in a shrouded key bag. Null when there is no such pair; throws when the file does not open.
 */
function openP12(p12: Buffer, passphrase: string): { certificatePem: string; caPem?: string } | null {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, passphrase);
  const certificates = (parsed.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const key = parsed.getBags({ bagType: SHROUDED_KEY_BAG })[SHROUDED_KEY_BAG]?.[0]?.key;
  if (!key?.n) return null;
  const own = certificates.find((c) => {
    const pub = c.publicKey as Partial<forge.pki.rsa.PublicKey>;
    return pub.n?.equals(key.n) === true && pub.e?.equals(key.e) === true;
  });
  if (!own) return null;
  const others = certificates.filter((c) => c !== own).map((c) => forge.pki.certificateToPem(c));
  return { certificatePem: forge.pki.certificateToPem(own), caPem: others.length ? others.join('') : undefined };
}

// --- Development ---------------------------------------------------------------------------------------------

const DEV_CA_NAME = 'e-District North 24 Parganas Development CA';
const ORGANISATION = 'Government of West Bengal';
// Test clocks and seeded histories sign in the past (test/support/server.ts starts before "now"); a development
// certificate that is not yet valid at that signing time would fail verification, so validity starts years early.
const DEV_BACKDATE_YEARS = 5;

function yearsFromNow(years: number): Date {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

interface DevelopmentCa {
  key: forge.pki.rsa.PrivateKey;
  certificate: forge.pki.Certificate;
  certificatePem: string;
}

function signingDir(dataDir: string): string {
  return join(dataDir, 'secrets', 'signing');
}

async function developmentCa(dataDir: string): Promise<DevelopmentCa> {
  // Key and certificate in one file, so two first uses at once cannot pair one's key with the other's certificate.
  const path = join(signingDir(dataDir), 'development-ca.pem');
  const pem = (
    await readOrCreate(path, () => {
      const { key, certificate } = createCa();
      return forge.pki.privateKeyToPem(key) + forge.pki.certificateToPem(certificate);
    })
  ).toString('utf8');
  const key = forge.pki.privateKeyFromPem(pem);
  const certificatePem = splitPem(pem).find((block) => block.includes('CERTIFICATE'));
  if (!certificatePem) throw new Error(`${path} holds no certificate; delete it to make a new development CA.`);
  return { key, certificate: forge.pki.certificateFromPem(certificatePem), certificatePem };
}

async function developmentOfficerCredential(dataDir: string, officer: Officer): Promise<SigningCredential> {
  const ca = await developmentCa(dataDir);
  const dir = signingDir(dataDir);
  // The passphrase is settled first, so a concurrent creator encrypts its PKCS#12 with the same one.
  const passphrase = (await readOrCreate(join(dir, `${officer.id}.passphrase`), () => randomBytes(24).toString('base64url'))).toString('utf8').trim();
  const p12 = await readOrCreate(join(dir, `${officer.id}.p12`), () => {
    const { key, certificate } = createOfficerCertificate(ca, officer);
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, [certificate, ca.certificate], passphrase, { algorithm: 'aes256', friendlyName: officer.name });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  });
  const certificates = openP12(p12, passphrase);
  if (!certificates) throw new Error(`The development credential of officer ${officer.id} holds no key with its certificate; delete ${officer.id}.p12 to make a new one.`);
  return { p12, passphrase, ...certificates };
}

function createCa(): { key: forge.pki.rsa.PrivateKey; certificate: forge.pki.Certificate } {
  const { privateKey, publicKey } = rsaKeyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = yearsFromNow(-DEV_BACKDATE_YEARS);
  certificate.validity.notAfter = yearsFromNow(10);
  const subject = [
    { shortName: 'C', value: 'IN' },
    { shortName: 'O', value: ORGANISATION },
    { shortName: 'CN', value: DEV_CA_NAME }
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' }
  ]);
  certificate.sign(privateKey, forge.md.sha256.create());
  return { key: privateKey, certificate };
}

function createOfficerCertificate(ca: DevelopmentCa, officer: Officer): { key: forge.pki.rsa.PrivateKey; certificate: forge.pki.Certificate } {
  const { privateKey, publicKey } = rsaKeyPair();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = yearsFromNow(-DEV_BACKDATE_YEARS);
  // Never outlives its CA: a chain is checked at the signing time, and both must be valid then.
  certificate.validity.notAfter = ca.certificate.validity.notAfter;
  // Officer and office names may be Bengali: UTF8String, not forge's default PrintableString.
  const utf8 = forge.asn1.Type.UTF8;
  certificate.setSubject([
    { shortName: 'C', value: 'IN' },
    { shortName: 'O', value: ORGANISATION },
    { shortName: 'OU', value: officer.officeName, valueTagClass: utf8 },
    { shortName: 'CN', value: officer.name, valueTagClass: utf8 }
  ] as forge.pki.CertificateField[]);
  certificate.setIssuer(ca.certificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    // emailProtection is what older PDF readers accept for signing; 1.3.6.1.5.5.7.3.36 is id-kp-documentSigning
    // (RFC 9336), the purpose itself.
    { name: 'extKeyUsage', emailProtection: true, '1.3.6.1.5.5.7.3.36': true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.certificate.generateSubjectKeyIdentifier().getBytes() }
  ]);
  certificate.sign(ca.key, forge.md.sha256.create());
  return { key: privateKey, certificate };
}

/** Node makes the key (native, ~50 ms) instead of forge (pure JS, seconds); forge then builds the certificate. */
function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' }
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey),
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey)
  };
}

/** 16 random bytes, the first below 0x80 so the DER INTEGER stays positive. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----\r?\n?/g)?.map((b) => (b.endsWith('\n') ? b : b + '\n')) ?? [];
}
