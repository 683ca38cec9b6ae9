// The certificate PDF's signature (DESIGN §9): a CMS detached signature (adbe.pkcs7.detached) by the approving
// officer's credential over the whole file but the signature itself, as PDF readers expect. Verification runs in
// the public verify endpoint, so it treats every input as hostile and answers with a value, never an exception.
import { webcrypto } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import * as asn1js from 'asn1js';
import type { PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import type { SigningCredential } from './credentials.ts';

// SUBFILTER_ADOBE_PKCS7_DETACHED of @signpdf/utils, which is only a dependency of the @signpdf packages.
const SUBFILTER = 'adbe.pkcs7.detached';

export interface SignatureMeta {
  reason: string;
  location: string;
  name: string;
  signedAt: Date;
}

/** Adds a signature field to the document, saves it, and returns the signed bytes. Alters `doc`. */
export async function signCertificatePdf(doc: PDFDocument, credential: SigningCredential, meta: SignatureMeta): Promise<Buffer> {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: meta.reason,
    location: meta.location,
    name: meta.name,
    contactInfo: '',
    // The PDF's /M; the same time goes into the CMS signingTime below, so both follow the caller's clock.
    signingTime: meta.signedAt,
    subFilter: SUBFILTER,
    // In hex digits. The CMS holds the PKCS#12's certificates and a signer info smaller than the encrypted key the
    // file also holds, so the file's size bounds it; the library's fixed 8192 digits (4 KiB) would not fit a
    // licensed CA's chain of three certificates. Even, since the library pads the signature in whole bytes: an odd
    // length leaves the file one digit short of its ByteRange.
    signatureLength: 2 * (credential.p12.length + 512)
  });
  // Object streams would compress the signature dictionary, and the signer must find /ByteRange in plain text.
  const bytes = await doc.save({ useObjectStreams: false });
  return new SignPdf().sign(Buffer.from(bytes), new P12Signer(credential.p12, { passphrase: credential.passphrase }), meta.signedAt);
}

export type Verification =
  | { valid: true; signer: { commonName: string; serial: string }; signedAt: Date }
  | { valid: false; reason: InvalidReason; signer?: { commonName: string; serial: string }; signedAt?: Date };

/**
 * no-signature: no /ByteRange or /Contents; byte-range: the signature does not cover the whole file (a changed or
 * appended revision); malformed: not a CMS detached SignedData we can read; tampered: the bytes or the signed
 * attributes changed; untrusted: the signer's certificate does not chain to a trusted CA at the signing time.
 */
export type InvalidReason = 'no-signature' | 'byte-range' | 'malformed' | 'tampered' | 'untrusted';

// SHA-1 is refused: a collision would let a second document carry the first one's signature.
const DIGESTS = new Set(['2.16.840.1.101.3.4.2.1', '2.16.840.1.101.3.4.2.2', '2.16.840.1.101.3.4.2.3']);
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_COMMON_NAME = '2.5.4.3';
const OID_KEY_USAGE = '2.5.29.15';

// pkijs picks up globalThis.crypto on its own; set Node's explicitly so nothing depends on the host's globals.
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

/** Checks the LAST signature of the file, which must cover every byte of it but its own /Contents. */
export async function verifyCertificatePdf(pdf: Uint8Array, trustedCas: string[]): Promise<Verification> {
  try {
    return await verify(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), trustedCas);
  } catch {
    // Anything the checks below did not foresee in a hostile file is still just an invalid signature.
    return { valid: false, reason: 'malformed' };
  }
}

async function verify(pdf: Buffer, trustedCas: string[]): Promise<Verification> {
  const at = pdf.lastIndexOf('/ByteRange');
  if (at === -1) return { valid: false, reason: 'no-signature' };
  const range = /^\/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]/.exec(pdf.subarray(at, at + 80).toString('latin1'));
  if (!range) return { valid: false, reason: 'byte-range' };
  const [a, b, c, d] = range.slice(1).map(Number) as [number, number, number, number];
  // Exactly two pieces, from the first byte to the last, around one hex string: anything appended after signing
  // (an incremental update that changes what is shown) falls outside and fails here.
  if (a !== 0 || b <= 0 || c <= b + 1 || c + d !== pdf.length) return { valid: false, reason: 'byte-range' };
  if (pdf[b] !== 0x3c /* < */ || pdf[c - 1] !== 0x3e /* > */) return { valid: false, reason: 'byte-range' };
  // The gap must be the /Contents value itself, not some other string the range was pointed at.
  if (!/\/Contents\s*$/.test(pdf.subarray(Math.max(0, b - 20), b).toString('latin1'))) return { valid: false, reason: 'byte-range' };
  const hex = pdf.subarray(b + 1, c - 1).toString('latin1');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return { valid: false, reason: 'malformed' };
  const contents = Buffer.from(hex, 'hex');

  // The placeholder is padded with zeros after the DER; the DER's own length says where it ends.
  const asn1 = asn1js.fromBER(contents);
  if (asn1.offset === -1 || contents.subarray(asn1.offset).some((byte) => byte !== 0)) return { valid: false, reason: 'malformed' };
  const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA) return { valid: false, reason: 'malformed' };
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const signerInfo = signedData.signerInfos[0];
  // Detached only: with embedded content pkijs would check the signature over that content, not over the PDF.
  if (signedData.signerInfos.length !== 1 || !signerInfo || signedData.encapContentInfo.eContent) return { valid: false, reason: 'malformed' };
  if (!DIGESTS.has(signerInfo.digestAlgorithm.algorithmId)) return { valid: false, reason: 'malformed' };

  // Ours always carries a signing time (P12Signer); the chain is judged at it below.
  const signingTime: unknown = signerInfo.signedAttrs?.attributes.find((attr) => attr.type === OID_SIGNING_TIME)?.values[0];
  if (!(signingTime instanceof asn1js.UTCTime)) return { valid: false, reason: 'malformed' }; // GeneralizedTime too
  const signedAt = signingTime.toDate();
  const signed = new Uint8Array(b + d);
  signed.set(pdf.subarray(0, b), 0);
  signed.set(pdf.subarray(c, c + d), b);

  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signedData.verify({
      signer: 0,
      data: signed.buffer,
      checkChain: true,
      trustedCerts: trustedCas.flatMap(pemCertificates),
      // There is no timestamp authority: the chain is judged at the claimed signing time, so a certificate
      // issued years ago still verifies after the officer's certificate has expired. Revocation of a
      // certificate itself is the register's business (the verify endpoint), not the signature's.
      checkDate: signedAt,
      extendedMode: true
    });
  } catch (err) {
    if (!(err instanceof pkijs.SignedDataVerifyError)) return { valid: false, reason: 'malformed' };
    const signer = err.signerCertificate ? describe(err.signerCertificate) : undefined;
    return { valid: false, reason: err.code === 5 ? 'untrusted' : err.code === 15 ? 'tampered' : 'malformed', signer, signedAt };
  }
  const signer = result.signerCertificate ? describe(result.signerCertificate) : undefined;
  if (!signer) return { valid: false, reason: 'malformed', signedAt };
  if (result.signatureVerified !== true) return { valid: false, reason: 'tampered', signer, signedAt };
  // A CA's certificate may also issue server or other certificates; only one made for signing counts.
  if (!mayDigitallySign(result.signerCertificate!)) return { valid: false, reason: 'untrusted', signer, signedAt };
  return { valid: true, signer, signedAt };
}

function describe(certificate: pkijs.Certificate): { commonName: string; serial: string } {
  const cn = certificate.subject.typesAndValues.find((t) => t.type === OID_COMMON_NAME)?.value;
  return {
    commonName: cn && 'getValue' in cn ? cn.getValue() : '',
    serial: Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex')
  };
}

/** keyUsage, when present, must allow digitalSignature or nonRepudiation (RFC 5280 §4.2.1.3, bits 0 and 1). */
function mayDigitallySign(certificate: pkijs.Certificate): boolean {
  const usage = certificate.extensions?.find((e) => e.extnID === OID_KEY_USAGE)?.parsedValue as asn1js.BitString | undefined;
  if (!usage) return true;
  const first = usage.valueBlock.valueHexView[0] ?? 0;
  return (first & 0xc0) !== 0;
}

function pemCertificates(pem: string): pkijs.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => pkijs.Certificate.fromBER(Buffer.from(block.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')));
}
