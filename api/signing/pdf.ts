// The certificate PDF's signature in two steps (DESIGN §14), so every signing mode works the same way: prepare the
// file with a signature placeholder and learn the SHA-256 of its signed byte ranges; later, from a local key, an
// HSM or an eSign Service Provider minutes afterwards, put the CMS into the placeholder. Nothing else changes.
import { createHash } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf, Signer } from '@signpdf/signpdf';
import type { PDFDocument } from 'pdf-lib';

// SUBFILTER_ADOBE_PKCS7_DETACHED of @signpdf/utils, which is only a dependency of the @signpdf packages.
const SUBFILTER = 'adbe.pkcs7.detached';

export interface SignatureMeta {
  reason: string;
  location: string;
  name: string;
  signedAt: Date;
}

export interface PreparedPdf {
  /** The whole file with /ByteRange written and /Contents all zeros. */
  pdf: Buffer;
  /** SHA-256 of the two signed byte ranges: what the CMS's messageDigest must be. */
  digest: Buffer;
}

/** Takes the bytes the library would sign and signs nothing: the placeholder stays zeros, the ranges are final. */
class DigestOnly extends Signer {
  digest: Buffer | null = null;
  override async sign(pdfWithoutSignature: Buffer): Promise<Buffer> {
    this.digest = createHash('sha256').update(pdfWithoutSignature).digest();
    return Buffer.alloc(0);
  }
}

/**
 * Adds a signature field to the document (altering `doc`) with room for `signatureBytes` of CMS, saves it, and
 * returns the file and the digest of its signed ranges.
 */
export async function preparePdf(doc: PDFDocument, meta: SignatureMeta, signatureBytes: number): Promise<PreparedPdf> {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: meta.reason,
    location: meta.location,
    name: meta.name,
    contactInfo: '',
    // The PDF's /M; the same time goes into the CMS signingTime, so both follow the caller's clock.
    signingTime: meta.signedAt,
    subFilter: SUBFILTER,
    // In hex digits, even: the library pads the signature in whole bytes.
    signatureLength: 2 * signatureBytes
  });
  // Object streams would compress the signature dictionary, and the signer must find /ByteRange in plain text.
  const bytes = await doc.save({ useObjectStreams: false });
  const capture = new DigestOnly();
  const pdf = await new SignPdf().sign(Buffer.from(bytes), capture, meta.signedAt);
  return { pdf, digest: capture.digest! };
}

/** The gap of the file's last signature: where /Contents' hex string starts (after '<') and ends (before '>'). */
export function signatureGap(pdf: Buffer): { start: number; end: number } {
  const at = pdf.lastIndexOf('/ByteRange');
  const range = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at, at + 80).toString('latin1'));
  if (at === -1 || !range) throw new Error('the PDF has no prepared signature');
  const b = Number(range[2]);
  const c = Number(range[3]);
  return { start: b + 1, end: c - 1 };
}

/** SHA-256 of the prepared file's signed ranges, recomputed from the bytes (never trusted from storage). */
export function signedRangesDigest(pdf: Buffer): Buffer {
  const { start, end } = signatureGap(pdf);
  return createHash('sha256')
    .update(pdf.subarray(0, start - 1))
    .update(pdf.subarray(end + 1))
    .digest();
}

/** Writes the DER CMS into the prepared file's placeholder, zero-padded; refuses one that does not fit. */
export function embedSignature(prepared: Buffer, cms: Buffer): Buffer {
  const { start, end } = signatureGap(prepared);
  const room = end - start;
  const hex = cms.toString('hex');
  if (hex.length > room) throw new Error(`the signature (${cms.length} bytes) does not fit the placeholder (${room / 2} bytes)`);
  const out = Buffer.from(prepared);
  out.write(hex.padEnd(room, '0'), start, 'latin1');
  return out;
}
