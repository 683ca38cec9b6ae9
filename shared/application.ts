// The Ordinary Residential Certificate form (DESIGN §4), one schema for the PWA's inline checks and the API's
// validation, so the two can never disagree. Messages are catalogue keys ("field.pin").
import { verhoeffValid } from './verhoeff.ts';
import { toE164IndianMobile } from './mobile.ts';
import { z } from './zod.ts';

// Names and addresses in English letters, as on the e-District forms: the receipt, the certificate's English side
// and the registers read them, and officers across the state can read them.
const latinText = (min: number, max: number, key: 'field.name' | 'field.address_line' | 'field.purpose') =>
  z
    .string()
    .trim()
    .min(min, key)
    .max(max, key)
    .regex(/^[A-Za-z0-9 .,'()\/&-]+$/, 'field.english_letters');

export const genders = ['female', 'male', 'transgender'] as const;
export const guardianRelations = ['father', 'mother', 'spouse'] as const;
export const documentKinds = ['photo', 'identity', 'age', 'residence', 'signed_form'] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** Which proofs each document kind accepts (seed, activity table step 1). */
export const acceptedProofs = {
  photo: ['photograph'],
  identity: ['defence_id', 'pan', 'govt_id', 'passport', 'driving_licence', 'epic', 'ration_card'],
  age: ['secondary_admit_card', 'birth_certificate'],
  residence: ['panchayat_pradhan', 'mla', 'mp', 'municipality_chairman'],
  signed_form: ['signed_form']
} as const satisfies Record<DocumentKind, readonly string[]>;
export type Proof = (typeof acceptedProofs)[DocumentKind][number];

/**
 * One PDF, or one to four images, for each kind the seed's step 1 asks for (DESIGN §4). Field path → catalogue
 * key for each kind that breaks the rule; empty when the set is complete. Checked on the phone before sending and
 * by the server on submission.
 */
export function documentSetErrors(files: { kind: string; mime: string }[]): Record<string, 'field.document_required' | 'field.document_count'> {
  const errors: Record<string, 'field.document_required' | 'field.document_count'> = {};
  for (const kind of documentKinds) {
    const ofKind = files.filter((f) => f.kind === kind);
    const pdfs = ofKind.filter((f) => f.mime === 'application/pdf').length;
    const images = ofKind.length - pdfs;
    if (ofKind.length === 0) errors[`documents.${kind}`] = 'field.document_required';
    else if (!((pdfs === 1 && images === 0) || (pdfs === 0 && images <= 4))) errors[`documents.${kind}`] = 'field.document_count';
  }
  return errors;
}

export const mobileField = z
  .string('field.mobile')
  .max(20, 'field.mobile')
  .refine((v) => toE164IndianMobile(v) !== null, 'field.mobile');

export const emailField = z.union([z.literal(''), z.email('field.email').max(254, 'field.email')]).optional();

/** 12 digits, first 2–9, Verhoeff check digit (UIDAI's rules). Spaces allowed, as printed on the card. */
export const aadhaarField = z
  .string()
  .transform((v) => v.replace(/\s/g, ''))
  .refine((v) => v === '' || (/^[2-9]\d{11}$/.test(v) && verhoeffValid(v)), 'field.aadhaar');

const address = {
  house: latinText(2, 120, 'field.address_line'),
  postOffice: latinText(2, 60, 'field.address_line'),
  policeStation: latinText(2, 60, 'field.address_line'),
  pin: z.string().trim().regex(/^7\d{5}$/, 'field.pin') // West Bengal PIN codes begin with 7
};

export const presentAddressSchema = z.object({ ...address, blockId: z.string().min(1, 'field.block').max(100, 'field.block') });
export const permanentAddressSchema = z.object({ ...address, district: latinText(2, 60, 'field.address_line') });

function ageOn(dateOfBirth: string, today: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age -= 1;
  return age;
}

export const applicantSchema = z
  .object({
    name: latinText(2, 100, 'field.name'),
    guardianRelation: z.enum(guardianRelations, 'field.choose'),
    guardianName: latinText(2, 100, 'field.name'),
    gender: z.enum(genders, 'field.choose'),
    dateOfBirth: z.iso.date('field.date_of_birth').refine((v) => v >= '1900-01-01' && ageOn(v, new Date()) >= 0, 'field.date_of_birth'),
    mobile: mobileField,
    email: emailField,
    presentAddress: presentAddressSchema,
    permanentSameAsPresent: z.boolean('field.choose'),
    permanentAddress: permanentAddressSchema.optional(),
    yearsOfResidence: z.number('field.years').int('field.years').min(0, 'field.years').max(120, 'field.years'),
    purpose: latinText(3, 200, 'field.purpose'),
    aadhaar: aadhaarField.optional(),
    declaration: z.literal(true, 'field.declaration')
  })
  .superRefine((a, ctx) => {
    if (!a.permanentSameAsPresent && !a.permanentAddress) {
      ctx.addIssue({ code: 'custom', path: ['permanentAddress', 'house'], message: 'field.required' });
    }
    // Residence cannot be longer than a life: a cheap check that catches a swapped field.
    if (/^\d{4}-\d{2}-\d{2}$/.test(a.dateOfBirth) && a.yearsOfResidence > ageOn(a.dateOfBirth, new Date())) {
      ctx.addIssue({ code: 'custom', path: ['yearsOfResidence'], message: 'field.years_over_age' });
    }
  });

export type Applicant = z.infer<typeof applicantSchema>;

/** An operator files for a citizen identified by mobile (seed, A.b and A.c). */
export const onBehalfOfSchema = z.object({
  name: latinText(2, 100, 'field.name'),
  mobile: mobileField,
  email: emailField
});

export const applicationSchema = z.object({
  applicant: applicantSchema,
  documents: z
    .array(z.uuid('field.documents'), 'field.documents')
    .min(1, 'field.documents')
    .max(20, 'field.documents')
    // Each id once: a list naming one scan twice is a client's fault, and passing it as one would count it once in
    // the document rules (one PDF, or 1 to 4 photos, per kind) but twice in what the client believes it sent.
    .refine((ids) => new Set(ids).size === ids.length, 'field.documents_repeated'),
  onBehalfOf: onBehalfOfSchema.optional()
});

export type ApplicationInput = z.infer<typeof applicationSchema>;
