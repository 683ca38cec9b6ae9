// Aadhaar at rest (DESIGN §7): AES-256-GCM ciphertext, an HMAC-SHA-256 to find the same number in another
// application without decrypting anything, and the last four digits for display. Two keys are derived from
// AADHAAR_KEY (HKDF), so the encryption key is never also a MAC key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/connect.ts';

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

function aadhaarHmac(keys: AadhaarKeys, aadhaar: string): string {
  return createHmac('sha256', keys.mac).update(aadhaar).digest('hex');
}

export function maskAadhaar(last4: string): string {
  return `XXXX-XXXX-${last4}`;
}

/** Seals the number and keeps it for the application, replacing one given before (a correction, seed step 8). */
export async function storeAadhaar(sql: Queryable, keys: AadhaarKeys, applicationId: string, aadhaar: string): Promise<void> {
  const sealed = sealAadhaar(keys, aadhaar);
  await sql`
    insert into aadhaar_numbers (application_id, ciphertext, nonce, hmac, last4)
    values (${applicationId}, ${sealed.ciphertext}, ${sealed.nonce}, ${sealed.hmac}, ${sealed.last4})
    on conflict (application_id) do update
    set ciphertext = excluded.ciphertext, nonce = excluded.nonce, hmac = excluded.hmac, last4 = excluded.last4`;
}
