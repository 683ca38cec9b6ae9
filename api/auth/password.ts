// Argon2id with OWASP's minimum parameters (m=19456 KiB, t=2, p=1), as DESIGN §2 asks.
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a crash
  }
}

// Verifying against this when no account matches makes "unknown user" cost the same time as "wrong password".
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('not-a-real-password-' + randomInt(1e9));
  await verifyPassword(await dummyHash, password);
  return false;
}

// No 0/O, 1/l/I: the one-time password is read off an SMS and typed on a phone keypad.
const OTP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function generateOneTimePassword(length = 10): string {
  let out = '';
  for (let i = 0; i < length; i++) out += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
  return out;
}
