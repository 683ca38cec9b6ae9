// The eSign request and response of the Controller of Certifying Authorities' "eSign API Specifications",
// version 2.1 (ESIGN_API_VERSION): the ASP sends <Esign ver="2.1" …> with one <InputHash> (the SHA-256 of the PDF's
// signed byte ranges), signed as an enveloped XML signature with the ASP's key; after the signer's Aadhaar OTP the
// ESP answers <EsignResp> signed with its own key, carrying the signer's short-lived certificate and, with
// responseSigType="pkcs7", a PKCS#7 detached signature whose messageDigest is that hash. xml-crypto (maintained,
// XML-DSig with exclusive canonicalisation) signs and checks the XML; pkijs reads the PKCS#7.
// Pure functions: api/esign/flow.ts keeps the state, test/mocks/esp.ts plays the ESP.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignedXml } from 'xml-crypto';
import { OID } from '../signing/cms.ts';

export const ESIGN_API_VERSION = '2.1';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** eSign timestamps are Indian Standard Time without a zone: YYYY-MM-DDThh:mm:ss. */
export function esignTimestamp(at: Date): string {
  return new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 19);
}

export function parseEsignTimestamp(ts: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(ts)) return null;
  const t = Date.parse(`${ts}+05:30`);
  return Number.isNaN(t) ? null : new Date(t);
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Signs `xml` with an enveloped signature over the whole document (Reference URI=""), certificate in KeyInfo. */
export function signXml(xml: string, privateKeyPem: string, certificatePem: string): string {
  const sig = new SignedXml({ privateKey: privateKeyPem, publicCert: certificatePem, canonicalizationAlgorithm: EXC_C14N, signatureAlgorithm: RSA_SHA256 });
  sig.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true });
  sig.computeSignature(xml, { location: { reference: '/*', action: 'append' } });
  return sig.getSignedXml();
}

/**
 * Checks the enveloped signature on `xml` with `certificatePem` (never the key the document offers) and returns the
 * root element of what the signature covers, parsed again from the signed bytes: reading the original document
 * would let a wrapped, unsigned copy of the element speak instead (XML signature wrapping).
 */
export function verifiedRoot(xml: string, certificatePem: string): Element | null {
  try {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const signatures = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
    if (signatures.length !== 1) return null;
    // Only a signature directly under the root covers the root; one nested elsewhere signs something else.
    if (signatures[0]!.parentNode !== doc.documentElement) return null;
    const sig = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
    sig.loadSignature(signatures[0]!);
    if (!sig.checkSignature(xml)) return null;
    const [signed] = sig.getSignedReferences();
    if (!signed || sig.getSignedReferences().length !== 1) return null;
    const root = new DOMParser().parseFromString(signed, 'text/xml').documentElement;
    return root && root.localName === doc.documentElement?.localName ? root : null;
  } catch {
    return null;
  }
}

export interface EsignRequestInput {
  aspId: string;
  txn: string;
  at: Date;
  responseUrl: string;
  /** SHA-256 of the PDF's signed byte ranges, hex. */
  digestHex: string;
  /** Shown to the signer on the ESP's page. */
  docInfo: string;
  aspKeyPem: string;
  aspCertPem: string;
}

/**
 * <Esign> for one document, Aadhaar OTP (AuthMode 1), a PKCS#7 answer. ekycId is left empty: the officer types the
 * Aadhaar number on the ESP's own page, so the district never holds it.
 */
export function buildEsignRequest(r: EsignRequestInput): string {
  if (!/^[0-9a-f]{64}$/.test(r.digestHex)) throw new Error('the InputHash must be a SHA-256 in hex');
  const xml =
    `<Esign ver="${ESIGN_API_VERSION}" sc="Y" ts="${esignTimestamp(r.at)}" txn="${escapeAttr(r.txn)}" ekycId="" ekycIdType="A" aspId="${escapeAttr(r.aspId)}" ` +
    `AuthMode="1" responseSigType="pkcs7" preVerified="n" organizationFlag="n" responseUrl="${escapeAttr(r.responseUrl)}">` +
    `<Docs><InputHash id="1" hashAlgorithm="SHA256" docInfo="${escapeAttr(r.docInfo)}">${r.digestHex}</InputHash></Docs></Esign>`;
  return signXml(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${xml}`, r.aspKeyPem, r.aspCertPem);
}

/** The txn an answer claims, read without trusting it: only to find the request it must then match. */
export function claimedTxn(xml: string): string | null {
  try {
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
    return root?.localName === 'EsignResp' ? root.getAttribute('txn') : null;
  } catch {
    return null;
  }
}

export interface ResponseExpectations {
  espCertPem: string;
  trustedCaPems: string[];
  txn: string;
  digestHex: string;
  officerName: string;
  now: Date;
  /** How old (by its ts) an answer may be. */
  maxAgeMs: number;
}

export type ResponseCheck =
  | { ok: true; cms: Buffer; signer: { commonName: string; serial: string } }
  | { ok: false; reason: ResponseRefusal; detail?: string };

/**
 * xml-signature: not signed by the ESP (or tampered); malformed: not an EsignResp we can read; refused: the ESP
 * says it did not sign (status 0: OTP cancelled or failed), with its errCode and errMsg; txn: an answer to another
 * request; expired: its ts is too old or in the future; hash: the PKCS#7 is not over our hash or its signature does
 * not hold; untrusted: the signer's certificate does not chain to a trusted CA; name: it names someone else.
 */
export type ResponseRefusal = 'xml-signature' | 'malformed' | 'refused' | 'txn' | 'expired' | 'hash' | 'untrusted' | 'name';

export async function checkEsignResponse(xml: string, expect: ResponseExpectations): Promise<ResponseCheck> {
  const root = verifiedRoot(xml, expect.espCertPem);
  if (!root) return { ok: false, reason: 'xml-signature' };
  if (root.localName !== 'EsignResp' || root.getAttribute('ver') !== ESIGN_API_VERSION) return { ok: false, reason: 'malformed' };
  if (root.getAttribute('txn') !== expect.txn) return { ok: false, reason: 'txn' };
  const ts = parseEsignTimestamp(root.getAttribute('ts') ?? '');
  if (!ts || expect.now.getTime() - ts.getTime() > expect.maxAgeMs || ts.getTime() - expect.now.getTime() > 5 * 60_000) return { ok: false, reason: 'expired' };
  if (root.getAttribute('status') !== '1') {
    return { ok: false, reason: 'refused', detail: `${root.getAttribute('errCode') ?? ''} ${root.getAttribute('errMsg') ?? ''}`.trim().slice(0, 200) };
  }
  const docSignatures = root.getElementsByTagName('DocSignature');
  const docSignature = docSignatures[0];
  if (docSignatures.length !== 1 || !docSignature || docSignature.getAttribute('id') !== '1') return { ok: false, reason: 'malformed' };
  let cms: Buffer;
  let signedData: pkijs.SignedData;
  try {
    cms = Buffer.from((docSignature.textContent ?? '').replace(/\s/g, ''), 'base64');
    const asn1 = asn1js.fromBER(new Uint8Array(cms));
    if (asn1.offset === -1) return { ok: false, reason: 'malformed' };
    cms = cms.subarray(0, asn1.offset);
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== OID.signedData) return { ok: false, reason: 'malformed' };
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const signerInfo = signedData.signerInfos[0];
  if (signedData.signerInfos.length !== 1 || !signerInfo?.signedAttrs || signedData.encapContentInfo.eContent) return { ok: false, reason: 'malformed' };
  const digest: unknown = signerInfo.signedAttrs.attributes.find((a) => a.type === OID.messageDigest)?.values[0];
  if (!(digest instanceof asn1js.OctetString) || Buffer.from(digest.valueBlock.valueHexView).toString('hex') !== expect.digestHex) return { ok: false, reason: 'hash' };

  const certificates = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid: unknown = signerInfo.sid;
  const signer = certificates.find((c) => sid instanceof pkijs.IssuerAndSerialNumber && c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  if (!signer) return { ok: false, reason: 'malformed' };
  // The signature over the signed attributes (as a SET), with the signer's key: the messageDigest above is only
  // worth anything if this holds.
  const attrs = Buffer.from(signerInfo.signedAttrs.toSchema().toBER());
  attrs[0] = 0x31;
  const publicKey = createPublicKey({ key: Buffer.from(signer.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
  if (!verifySignature('sha256', attrs, publicKey, Buffer.from(signerInfo.signature.valueBlock.valueHexView))) return { ok: false, reason: 'hash' };

  const chain = await new pkijs.CertificateChainValidationEngine({
    trustedCerts: expect.trustedCaPems.flatMap(pemToCertificates),
    certs: certificates,
    checkDate: expect.now
  })
    .verify()
    .catch(() => ({ result: false }));
  if (!chain.result) return { ok: false, reason: 'untrusted' };
  const commonName = nameOf(signer);
  if (normalName(commonName) !== normalName(expect.officerName)) return { ok: false, reason: 'name', detail: commonName };
  return { ok: true, cms, signer: { commonName, serial: Buffer.from(signer.serialNumber.valueBlock.valueHexView).toString('hex') } };
}

/** Names as Aadhaar prints them and as the district typed them: case, dots and spacing aside. */
function normalName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/[.\s]+/g, ' ').trim();
}

function nameOf(certificate: pkijs.Certificate): string {
  const cn = certificate.subject.typesAndValues.find((t) => t.type === '2.5.4.3')?.value;
  return cn && 'getValue' in cn ? cn.getValue() : '';
}

function pemToCertificates(pem: string): pkijs.Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((b) =>
    pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(b.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')))
  );
}
