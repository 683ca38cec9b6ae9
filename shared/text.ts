// The one rule for text people type (DESIGN §11): no C0 control characters except newline and tab, and no DEL.
// PostgreSQL refuses NUL in text outright (the request would end in a 500), and the others are invisible on a
// screen, break the CSV and PDF exports and SMS, and no remark, finding or name needs them. Shared by the PWA's
// inline checks and the API's request schemas, so both refuse the same text with the same field message.
import { z } from './zod.ts';

/** CR passes as part of a line end: Windows (CR LF) and old Mac (CR) line ends are read as newlines (freeText). */
const CONTROL_IN_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** One-line text (names, logins, identifiers) takes no newline or tab either. */
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(text: string, opts: { multiline?: boolean } = {}): boolean {
  return (opts.multiline ? CONTROL_IN_MULTILINE : CONTROL_IN_LINE).test(text);
}

type TextKey = `field.${string}`;

/**
 * Free text of `min`–`max` characters after trimming. `key` words the length problem for this field; a control
 * character gets its own message, which says what to remove rather than how long to write.
 */
export function freeText(min: number, max: number, key: TextKey, opts: { multiline?: boolean } = {}) {
  // A missing field is "required" and a number or a list "not valid", as everywhere (shared/zod.ts).
  return z
    .string()
    .overwrite((v) => (opts.multiline ? v.replace(/\r\n?/g, '\n') : v))
    .trim()
    .min(min, key)
    .max(max, key)
    .refine((v) => !hasControlCharacters(v, opts), 'field.control_characters');
}

/** Remarks, findings, comments and reasons: several lines allowed. */
export const multilineText = (min: number, max: number, key: TextKey) => freeText(min, max, key, { multiline: true });

/** An identifier chosen by the server (an office or user id) as a client sends it back: printable ASCII only. */
export const identifier = (key: TextKey) =>
  z
    .string(key)
    .min(1, key)
    .max(100, key)
    .regex(/^[\x21-\x7e]+$/, key);
