// The certificate PDF's signature (DESIGN §9): a CMS detached signature (adbe.pkcs7.detached) by the approving
// officer's credential over the whole file but the signature itself, as PDF readers expect. Verification runs in
// the public verify endpoint, so it treats every input as hostile and answers with a value, never an exception.
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { buildCms, OID, timestampInfo, type KeySigner } from '../signing/cms.ts';
import { p12KeySigner } from '../signing/p12.ts';
import { embedSignature, preparePdf, type SignatureMeta } from '../signing/pdf.ts';
import type { SigningCredential } from './credentials.ts';

export type { SignatureMeta } from '../signing/pdf.ts';

/**
 * Adds a signature field to the document, saves it, and returns the signed bytes. Alters `doc`. The key is a
 * PKCS#12 credential or any KeySigner (an HSM through PKCS#11); with `tsaUrl` the signature carries an RFC 3161
 * timestamp.
 */
export async function signCertificatePdf(doc: PDFDocument, credential: SigningCredential | KeySigner, meta: SignatureMeta, tsaUrl?: string): Promise<Buffer> {
  const signer = 'p12' in credential ? p12KeySigner(credential) : credential;
  const prepared = await preparePdf(doc, meta, signatureRoom(signer.certificates, !!tsaUrl));
  return embedSignature(prepared.pdf, await buildCms(prepared.digest, signer, meta.signedAt, tsaUrl));
}

/**
 * Bytes to reserve for the CMS: the certificates it carries, a signer info with its attributes, and a timestamp
 * token (which carries the TSA's own certificates). A licensed CA's chain of three fits; the PDF only grows by it.
 */
export function signatureRoom(certificates: Buffer[], timestamped: boolean): number {
  return certificates.reduce((n, c) => n + c.length, 0) + 2048 + (timestamped ? 8192 : 0);
}

/** What a verification looked at, reported whether or not the signature holds (the verify page shows it). */
export interface SignatureReport {
  signer?: { commonName: string; serial: string; issuer: string };
  /** The signing time the signer claims (the CMS signingTime attribute). */
  signedAt?: Date;
  /** The RFC 3161 timestamp over the signature, if any: its time, the TSA's name, whether it verified. */
  timestamp: { at: Date; tsa: string; valid: boolean } | null;
  /** Common names from the signer's certificate up to the trusted CA, when the chain holds. */
  chain: string[];
  /** From the CRLs configured (SIGNING_CRL_PEM); not-checked when none covers the signer's CA. */
  revocation: 'good' | 'revoked' | 'not-checked';
}

export type Verification =
  | ({ valid: true; signer: { commonName: string; serial: string; issuer: string }; signedAt: Date } & SignatureReport)
  | ({ valid: false; reason: InvalidReason } & SignatureReport);

/**
 * no-signature: no /ByteRange or /Contents; byte-range: the signature does not cover the whole file (a changed or
 * appended revision); malformed: not a CMS detached SignedData we can read; tampered: the bytes or the signed
 * attributes changed; untrusted: the signer's certificate does not chain to a trusted CA at the signing time;
 * revoked: a configured CRL revokes the signer's certificate before the (timestamped) signing time.
 */
export type InvalidReason = 'no-signature' | 'byte-range' | 'malformed' | 'tampered' | 'untrusted' | 'revoked';

export interface VerifyOptions {
  /** Roots a signature timestamp must chain to (TSA_TRUSTED_CA_PEM). */
  trustedTsaCas?: string[];
  /** CRLs (PEM) of the CAs that issue officers' certificates. */
  crls?: string[];
}

// SHA-1 is refused: a collision would let a second document carry the first one's signature.
const DIGESTS = new Set(['2.16.840.1.101.3.4.2.1', '2.16.840.1.101.3.4.2.2', '2.16.840.1.101.3.4.2.3']);
const OID_COMMON_NAME = '2.5.4.3';
const OID_KEY_USAGE = '2.5.29.15';

// pkijs picks up globalThis.crypto on its own; set Node's explicitly so nothing depends on the host's globals.
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

const nothing = (): SignatureReport => ({ timestamp: null, chain: [], revocation: 'not-checked' });

/** Checks the LAST signature of the file, which must cover every byte of it but its own /Contents. */
export async function verifyCertificatePdf(pdf: Uint8Array, trustedCas: string[], options: VerifyOptions = {}): Promise<Verification> {
  try {
    return await verify(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), trustedCas, options);
  } catch {
    // Anything the checks below did not foresee in a hostile file is still just an invalid signature.
    return { valid: false, reason: 'malformed', ...nothing() };
  }
}

async function verify(pdf: Buffer, trustedCas: string[], options: VerifyOptions): Promise<Verification> {
  const invalid = (reason: InvalidReason, report: Partial<SignatureReport> = {}): Verification => ({ valid: false, reason, ...nothing(), ...report });
  const at = pdf.lastIndexOf('/ByteRange');
  if (at === -1) return invalid('no-signature');
  const range = /^\/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]/.exec(pdf.subarray(at, at + 80).toString('latin1'));
  if (!range) return invalid('byte-range');
  const [a, b, c, d] = range.slice(1).map(Number) as [number, number, number, number];
  // Exactly two pieces, from the first byte to the last, around one hex string: anything appended after signing
  // (an incremental update that changes what is shown) falls outside and fails here.
  if (a !== 0 || b <= 0 || c <= b + 1 || c + d !== pdf.length) return invalid('byte-range');
  if (pdf[b] !== 0x3c /* < */ || pdf[c - 1] !== 0x3e /* > */) return invalid('byte-range');
  // The gap must be the /Contents value itself, not some other string the range was pointed at.
  if (!/\/Contents\s*$/.test(pdf.subarray(Math.max(0, b - 20), b).toString('latin1'))) return invalid('byte-range');
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return invalid('malformed');
  const contents = Buffer.from(hex, 'hex');

  // The placeholder is padded with zeros after the DER; the DER's own length says where it ends.
  const asn1 = asn1js.fromBER(contents);
  if (asn1.offset === -1 || contents.subarray(asn1.offset).some((byte) => byte !== 0)) return invalid('malformed');
  const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA) return invalid('malformed');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const signerInfo = signedData.signerInfos[0];
  // Detached only: with embedded content pkijs would check the signature over that content, not over the PDF.
  if (signedData.signerInfos.length !== 1 || !signerInfo || signedData.encapContentInfo.eContent) return invalid('malformed');
  if (!DIGESTS.has(signerInfo.digestAlgorithm.algorithmId)) return invalid('malformed');

  // Ours always carry a signing time; an ESP's PKCS#7 may not, and then its timestamp or now is the time.
  const signingTime: unknown = signerInfo.signedAttrs?.attributes.find((attr) => attr.type === OID.signingTime)?.values[0];
  const claimed = signingTime instanceof asn1js.UTCTime || signingTime instanceof asn1js.GeneralizedTime ? signingTime.toDate() : undefined;
  const timestamp = await checkTimestamp(signerInfo, options.trustedTsaCas ?? []);
  // A verified timestamp proves the signature existed then; without one only the signer's claim says when.
  const judgedAt = timestamp?.valid ? timestamp.at : (claimed ?? new Date());
  const signed = new Uint8Array(b + d);
  signed.set(pdf.subarray(0, b), 0);
  signed.set(pdf.subarray(c, c + d), b);

  const trusted = trustedCas.flatMap(pemCertificates);
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signedData.verify({
      signer: 0,
      data: signed.buffer,
      checkChain: true,
      trustedCerts: trusted,
      // The chain is judged at the timestamp's time (or the claimed signing time), so a certificate issued years
      // ago still verifies after the officer's certificate has expired. Revocation of a certificate itself is the
      // register's business (the verify endpoint); the signer's certificate against the CRLs is checked below.
      checkDate: judgedAt,
      extendedMode: true
    });
  } catch (err) {
    if (!(err instanceof pkijs.SignedDataVerifyError)) return invalid('malformed', { signedAt: claimed, timestamp });
    const signer = err.signerCertificate ? describe(err.signerCertificate) : undefined;
    return invalid(err.code === 5 ? 'untrusted' : err.code === 15 ? 'tampered' : 'malformed', { signer, signedAt: claimed, timestamp });
  }
  const signerCertificate = result.signerCertificate;
  const signer = signerCertificate ? describe(signerCertificate) : undefined;
  if (!signer || !signerCertificate) return invalid('malformed', { signedAt: claimed, timestamp });
  const report = { signer, signedAt: claimed, timestamp, chain: chainOf(signerCertificate, [...(signedData.certificates ?? []), ...trusted]) };
  if (result.signatureVerified !== true) return invalid('tampered', report);
  // A CA's certificate may also issue server or other certificates; only one made for signing counts.
  if (!mayDigitallySign(signerCertificate)) return invalid('untrusted', report);
  const revocation = await checkRevocation(signerCertificate, report.chain.length > 1 ? [...(signedData.certificates ?? []), ...trusted] : [], options.crls ?? [], timestamp?.valid ? timestamp.at : null);
  if (revocation === 'revoked') return invalid('revoked', { ...report, revocation });
  return { valid: true, ...report, signedAt: claimed ?? judgedAt, revocation };
}

/** The signature timestamp (RFC 3161) in the unsigned attributes: over this signature's value, by a trusted TSA. */
async function checkTimestamp(signerInfo: pkijs.SignerInfo, trustedTsaCas: string[]): Promise<SignatureReport['timestamp']> {
  const attr = signerInfo.unsignedAttrs?.attributes.find((x) => x.type === OID.signatureTimeStampToken);
  if (!attr) return null;
  try {
    const token = new pkijs.ContentInfo({ schema: attr.values[0] });
    const tst = timestampInfo(token);
    const tokenData = new pkijs.SignedData({ schema: token.content });
    const tsaCert = tokenData.certificates?.find((cert): cert is pkijs.Certificate => cert instanceof pkijs.Certificate);
    const tsa = tsaCert ? describe(tsaCert).commonName : '';
    const imprint = createHash('sha256').update(signerInfo.signature.valueBlock.valueHexView).digest();
    const ours = tst.messageImprint.hashAlgorithm.algorithmId === OID.sha256 && Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(imprint);
    let valid = false;
    if (ours && trustedTsaCas.length) {
      const checked = await tokenData
        .verify({ signer: 0, // For a TSTInfo pkijs checks the imprint against `data`, the bytes that were stamped: the signature value.
          data: signerInfo.signature.valueBlock.valueHexView.slice().buffer, checkChain: true, trustedCerts: trustedTsaCas.flatMap(pemCertificates), checkDate: tst.genTime, extendedMode: true })
        .catch(() => null);
      valid = checked?.signatureVerified === true;
    }
    return { at: tst.genTime, tsa, valid };
  } catch {
    return { at: new Date(0), tsa: '', valid: false };
  }
}

/**
 * The signer's certificate against the CRLs configured for its issuer: the CRL must be signed by that issuer. A
 * revocation after a verified timestamp leaves the signature good (it was made while the certificate was valid).
 */
async function checkRevocation(certificate: pkijs.Certificate, known: (pkijs.CertificateSetItem | pkijs.Certificate)[], crlPems: string[], timestampedAt: Date | null): Promise<SignatureReport['revocation']> {
  const issuer = known.find((c): c is pkijs.Certificate => c instanceof pkijs.Certificate && c.subject.isEqual(certificate.issuer));
  if (!issuer) return 'not-checked';
  let checked = false;
  for (const crl of crlPems.flatMap(pemCrls)) {
    if (!crl.issuer.isEqual(certificate.issuer)) continue;
    if (!(await crl.verify({ issuerCertificate: issuer }).catch(() => false))) continue;
    checked = true;
    const serial = Buffer.from(certificate.serialNumber.valueBlock.valueHexView);
    const entry = crl.revokedCertificates?.find((r) => Buffer.from(r.userCertificate.valueBlock.valueHexView).equals(serial));
    if (entry && (!timestampedAt || entry.revocationDate.value <= timestampedAt)) return 'revoked';
  }
  return checked ? 'good' : 'not-checked';
}

function chainOf(certificate: pkijs.Certificate, pool: (pkijs.CertificateSetItem | pkijs.Certificate)[]): string[] {
  const certs = pool.filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const names = [describe(certificate).commonName];
  let current = certificate;
  for (let i = 0; i < 5 && !current.subject.isEqual(current.issuer); i++) {
    const next = certs.find((c) => c.subject.isEqual(current.issuer));
    if (!next) break;
    names.push(describe(next).commonName);
    current = next;
  }
  return names;
}

function commonName(name: pkijs.RelativeDistinguishedNames): string {
  const cn = name.typesAndValues.find((t) => t.type === OID_COMMON_NAME)?.value;
  return cn && 'getValue' in cn ? cn.getValue() : '';
}

function describe(certificate: pkijs.Certificate): { commonName: string; serial: string; issuer: string } {
  return {
    commonName: commonName(certificate.subject),
    serial: Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
    issuer: commonName(certificate.issuer)
  };
}

/** keyUsage, when present, must allow digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3, bits 0 and 1). */
function mayDigitallySign(certificate: pkijs.Certificate): boolean {
  const usage = certificate.extensions?.find((e) => e.extnID === OID_KEY_USAGE)?.parsedValue as asn1js.BitString | undefined;
  if (!usage) return true;
  const first = usage.valueBlock.valueHexView[0] ?? 0;
  return (first & 0xc0) !== 0;
}

function pemBlocks(pem: string, label: string): Buffer[] {
  const blocks = pem.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g')) ?? [];
  return blocks.map((block) => Buffer.from(block.replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64'));
}

export function pemCertificates(pem: string): pkijs.Certificate[] {
  return pemBlocks(pem, 'CERTIFICATE').map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)));
}

function pemCrls(pem: string): pkijs.CertificateRevocationList[] {
  return pemBlocks(pem, 'X509 CRL').map((der) => pkijs.CertificateRevocationList.fromBER(new Uint8Array(der)));
}
