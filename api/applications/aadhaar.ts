// Aadhaar at rest (DESIGN §7): AES-256-GCM ciphertext, an HMAC-SHA-256 to find the same number in another
// application without decrypting anything, and the last four digits for display. Two keys are derived from
// AADHAAR_KEY (HKDF), so the encryption key is never also a MAC key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface AadhaarKeys {
  encryption: Buffer;
  mac: Buffer;
}

export function deriveAadhaarKeys(secret: Buffer): AadhaarKeys {
  if (secret.length < 32) throw new Error('AADHAAR_KEY must be at least 32 bytes (64 hex characters).');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return { encryption: derive('aadhaar-encryption'), mac: derive('aadhaar-hmac') };
}

export interface SealedAadhaar {
  ciphertext: Buffer;
  nonce: Buffer;
  hmac: string;
  last4: string;
}

export function sealAadhaar(keys: AadhaarKeys, aadhaar: string): SealedAadhaar {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, nonce);
  const ciphertext = Buffer.concat([cipher.update(aadhaar, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext, nonce, hmac: aadhaarHmac(keys, aadhaar), last4: aadhaar.slice(-4) };
}

export function openAadhaar(keys: AadhaarKeys, sealed: Pick<SealedAadhaar, 'ciphertext' | 'nonce'>): string {
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, sealed.nonce);
  decipher.setAuthTag(sealed.ciphertext.subarray(-16));
  return Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, -16)), decipher.final()]).toString('utf8');
}

export function aadhaarHmac(keys: AadhaarKeys, aadhaar: string): string {
  return createHmac('sha256', keys.mac).update(aadhaar).digest('hex');
}

export function maskAadhaar(last4: string): string {
  return `XXXX-XXXX-${last4}`;
}
