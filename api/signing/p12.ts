// A PKCS#12 credential (development, or SIGNING_MODE=p12) as a KeySigner: the key is opened in memory for the
// signature and the certificates travel in the CMS, issuer chain included.
import { createPrivateKey, sign } from 'node:crypto';
import forge from 'node-forge';
import type { SigningCredential } from '../certificates/credentials.ts';
import type { KeySigner } from './cms.ts';

const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';

export function p12KeySigner(credential: SigningCredential): KeySigner {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(credential.p12.toString('binary')), false, credential.passphrase);
  const key = parsed.getBags({ bagType: SHROUDED_KEY_BAG })[SHROUDED_KEY_BAG]?.[0]?.key;
  if (!key) throw new Error('the PKCS#12 holds no key');
  const certificates = (parsed.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const own = certificates.find((c) => (c.publicKey as forge.pki.rsa.PublicKey).n?.equals(key.n));
  if (!own) throw new Error('the PKCS#12 holds no certificate for its key');
  const der = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(key));
  return {
    certificates: [der(own), ...certificates.filter((c) => c !== own).map(der)],
    sign: async (data) => sign('sha256', data, privateKey)
  };
}
