// The Application Identification Number (DESIGN §4): 14 digits YY DD OOO SSSSSS C — year, district code, office
// (block) code, serial per office per year, Verhoeff check digit. People read it off a receipt and type it on a
// keypad, so it is accepted with spaces or dashes and shown grouped.
import { asciiDigits } from './digits.ts';
import { verhoeffDigit, verhoeffValid } from './verhoeff.ts';

export type AinCheck = { ok: true; ain: string } | { ok: false; reason: 'format' | 'check_digit' };

export function makeAin(year: number, districtCode: string, officeCode: string, serial: number): string {
  const body = String(year % 100).padStart(2, '0') + districtCode.padStart(2, '0') + officeCode.padStart(3, '0') + String(serial).padStart(6, '0');
  if (!/^\d{13}$/.test(body)) throw new Error('AIN parts out of range');
  return body + verhoeffDigit(body);
}

/**
 * Accepts "26 11 002 000001 7", "26-11-002-000001-7" or "261100200000 17", in Bengali or Devanagari digits too (as
 * SMS does); says which kind of mistake it is.
 */
export function parseAin(input: string): AinCheck {
  const digits = asciiDigits(input).replace(/[\s-]/g, '');
  if (!/^\d{14}$/.test(digits)) return { ok: false, reason: 'format' };
  return verhoeffValid(digits) ? { ok: true, ain: digits } : { ok: false, reason: 'check_digit' };
}

export function formatAin(ain: string): string {
  return `${ain.slice(0, 2)} ${ain.slice(2, 4)} ${ain.slice(4, 7)} ${ain.slice(7, 13)} ${ain.slice(13)}`;
}
