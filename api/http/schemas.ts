// Field schemas shared by the request schemas. Their messages are catalogue keys ("field.mobile"), translated into
// the caller's language when the error is answered (see errors.ts); the same schemas generate the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { toE164IndianMobile } from '../../shared/mobile.ts';
import { freeText } from '../../shared/text.ts';
import { isCommonPassword } from '../auth/common-passwords.ts';
import { roles } from '../authz.ts';
import '../../shared/zod.ts'; // the shared error wording: a missing field is "required", anything else "not valid"

/** A person's name: one line of text (shared/text.ts holds the rule for control characters). */
export const personName = freeText(2, 100, 'field.name').openapi({ example: 'Anjali Mondal' });

export const indianMobile = z
  .string()
  .max(20, 'field.mobile')
  .refine((v) => toE164IndianMobile(v) !== null, 'field.mobile')
  .openapi({ description: 'Indian mobile number in any common form; stored as E.164', example: '98300 12345' });

export const optionalEmail = z
  .email('field.email')
  .max(254, 'field.email')
  .optional()
  .openapi({ example: 'anjali@example.com' });

export const newPassword = z
  .string()
  .min(10, 'field.password_length')
  .max(128, 'field.password_length')
  .refine((v) => !isCommonPassword(v), 'field.password_common');

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation' }),
      message: z.string().openapi({ example: 'Some answers need correcting.' }),
      fields: z.record(z.string(), z.string()).optional().openapi({ example: { mobile: 'Enter a 10-digit Indian mobile number.' } })
    })
  })
  .openapi('Error');

export const userSchema = z
  .object({
    id: z.string().openapi({ example: 'WB48213377' }),
    name: z.string(),
    mobile: z.string().openapi({ example: '+919830012345' }),
    email: z.string().nullable(),
    role: z.enum(roles),
    officeId: z.string().nullable(),
    lang: z.enum(['bn', 'en', 'hi']),
    mustChangePassword: z.boolean()
  })
  .openapi('User');

/** The error responses every JSON route can give, for the OpenAPI document. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 507)[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: errorDescriptions[s], content: { 'application/json': { schema: errorSchema } } }])
  );
}

const errorDescriptions = {
  400: 'Bad input; `fields` names each field to correct',
  401: 'Not logged in, or wrong credentials',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflicts with existing data',
  410: 'Gone: it existed and was withdrawn',
  413: 'Body too large',
  422: 'A key was reused for a different request',
  415: 'Wrong Content-Type: JSON, or a form upload (multipart/form-data) where the route takes a file',
  429: 'Too many attempts; see Retry-After',
  507: 'The server is out of storage space; nothing was saved'
} as const;

/** A calendar date "2026-11-27" that exists (not 2026-02-30). */
export const isoDay = z.iso.date('field.date');

/**
 * A day of the service's own calendar (a holiday, an acting charge, a report's period): 2000 to 2100, the years the
 * holidays page lists. 0001-01-01 and 9999-12-31 are dates, but not days anyone means here.
 */
export const serviceDay = isoDay.refine((d) => d >= '2000-01-01' && d <= '2100-12-31', 'field.date_years');

/** A file's bytes (a PDF, an image), as the body of a response. */
export const binaryFile = z.string().openapi({ format: 'binary' });

/** A required JSON request body, for createRoute. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
