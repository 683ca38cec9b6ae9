// Indian mobile numbers in whatever way people write them ("98300 12345", "098300-12345", "+91 98300 12345"),
// stored as E.164. Shared by the PWA and the API so both judge a number the same way. libphonenumber knows which
// number ranges are mobiles; a hand-written regex would not.
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { asciiDigits } from './digits.ts';

export function toE164IndianMobile(input: string): string | null {
  const cleaned = asciiDigits(input).trim();
  if (!/^[+\d][\d\s()-]{8,18}$/.test(cleaned)) return null;
  const number = parsePhoneNumberFromString(cleaned, 'IN');
  if (!number || number.country !== 'IN' || !number.isValid()) return null;
  const type = number.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return number.number;
}

/** "+919830012345" → "+91 98300 12345", the way it is read out. */
export function formatIndianMobile(e164: string): string {
  const d = e164.replace(/^\+91/, '');
  return `+91 ${d.slice(0, 5)} ${d.slice(5)}`;
}

/** "+919830012345" → "+91*****12345"-style masking for places where the whole number must not appear. */
export function maskMobile(e164: string): string {
  return e164.slice(0, 3) + '*'.repeat(Math.max(0, e164.length - 7)) + e164.slice(-4);
}
