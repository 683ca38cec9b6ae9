// The CMS detached signature (RFC 5652) over a PDF's signed ranges, built here rather than by @signpdf/signer-p12
// so the private key can live anywhere: in memory from a PKCS#12, or in an HSM reached through PKCS#11 that only
// ever signs the DER of the signed attributes. When TSA_URL is set the signature value is timestamped (RFC 3161)
// and the token travels as the unsigned attribute id-aa-signatureTimeStampToken (CAdES-T / PAdES-B-T), so the
// signature stays verifiable after the officer's certificate expires.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11'
} as const;

/** A private key that signs, wherever it is kept. */
export interface KeySigner {
  /** The signer's certificate first, then the CAs that issued it (DER). */
  certificates: Buffer[];
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`. */
  sign(data: Buffer): Promise<Buffer>;
}

/** Builds the DER ContentInfo of a detached SignedData over content whose SHA-256 is `digest`. */
export async function buildCms(digest: Buffer, signer: KeySigner, signedAt: Date, tsaUrl?: string): Promise<Buffer> {
  const certificates = signer.certificates.map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)));
  const own = certificates[0];
  if (!own) throw new Error('the signer has no certificate');
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: signedAt })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: new Uint8Array(digest) })] }),
      // ESS signing-certificate-v2 (RFC 5035): binds the signature to this certificate, as CAdES requires.
      new pkijs.Attribute({
        type: OID.signingCertificateV2,
        values: [
          new asn1js.Sequence({
            value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: new Uint8Array(createHash('sha256').update(signer.certificates[0]!).digest()) })] })] })]
          })
        ]
      })
    ]
  });
  // What is signed is the attributes as a SET (tag 0x31), not as the [0] IMPLICIT they are stored under.
  const toSign = Buffer.from(signedAttrs.toSchema().toBER());
  toSign[0] = 0x31;
  const signature = await signer.sign(toSign);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: own.issuer, serialNumber: own.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: new Uint8Array(signature) })
  });
  if (tsaUrl) {
    const token = await requestTimestamp(tsaUrl, createHash('sha256').update(signature).digest());
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [token] })] });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [signerInfo]
  });
  return Buffer.from(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER());
}

/**
 * Asks the TSA for a token over `imprint` (a SHA-256) and returns the token's ContentInfo as ASN.1. Refuses an
 * answer that is not granted, or whose imprint or nonce is not ours: a TSA that stamps something else vouches for
 * nothing. A TSA that cannot be reached fails the signing, since TSA_URL promises every signature a timestamp.
 */
export async function requestTimestamp(url: string, imprint: Buffer, timeoutMs = 15_000, random: (size: number) => Buffer = randomBytes): Promise<asn1js.Sequence> {
  const nonce = random(8);
  // A positive INTEGER in its one DER form: a first byte of 0x00 before one below 0x80 is padding DER forbids, which
  // OpenSSL's TSA refuses and another may strip before echoing (the echo then differs from what was sent). Both
  // made one signing in 256 fail, so the first byte is 0x01–0x7f.
  nonce[0] = 1 + (nonce[0]! % 0x7f);
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }), hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(imprint) }) }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(nonce) }),
    certReq: true
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: Buffer.from(request.toSchema().toBER()),
    signal: AbortSignal.timeout(timeoutMs)
  });
  if (!res.ok) throw new Error(`the TSA at ${url} answered HTTP ${res.status}`);
  const response = pkijs.TimeStampResp.fromBER(await res.arrayBuffer());
  if (response.status.status > pkijs.PKIStatus.grantedWithMods || !response.timeStampToken) throw new Error(`the TSA refused the request (status ${response.status.status})`);
  const tst = timestampInfo(response.timeStampToken);
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(imprint)) throw new Error('the TSA stamped another imprint');
  if (!tst.nonce || !Buffer.from(tst.nonce.valueBlock.valueHexView).equals(Buffer.from(nonce))) throw new Error('the TSA answered another request (nonce)');
  return response.timeStampToken.toSchema();
}

/** The TSTInfo inside a timestamp token. */
export function timestampInfo(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const signed = new pkijs.SignedData({ schema: token.content });
  const content = signed.encapContentInfo.eContent;
  if (signed.encapContentInfo.eContentType !== OID.tstInfo || !content) throw new Error('not a timestamp token');
  return pkijs.TSTInfo.fromBER(content.getValue());
}

/**
 * Adds a signature timestamp to a CMS someone else made (an ESP's PKCS#7): unsigned attributes are outside what
 * the signer signed, so the signature still holds, now with the TSA's proof of when it existed.
 */
export async function addTimestamp(cms: Buffer, tsaUrl: string): Promise<Buffer> {
  const info = pkijs.ContentInfo.fromBER(new Uint8Array(cms));
  const signedData = new pkijs.SignedData({ schema: info.content });
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new Error('the CMS has no signer');
  const token = await requestTimestamp(tsaUrl, createHash('sha256').update(signerInfo.signature.valueBlock.valueHexView).digest());
  const others = signerInfo.unsignedAttrs?.attributes.filter((a) => a.type !== OID.signatureTimeStampToken) ?? [];
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [...others, new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [token] })] });
  return Buffer.from(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER());
}
