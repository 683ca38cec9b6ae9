// The wizard keeps what the user typed as strings (that is what inputs give); this turns it into the shape the shared
// schema checks and the API takes, and lists which fields each step of the wizard owns.
import { applicantSchema, documentSetErrors, type DocumentKind } from '$shared/application.ts';
import type { MessageKey } from '$i18n/index.ts';

export type Step = 'about' | 'address' | 'residence' | 'documents' | 'check';
export const steps: Step[] = ['about', 'address', 'residence', 'documents', 'check'];

const ownedBy: Record<Step, string[]> = {
  about: ['name', 'guardianRelation', 'guardianName', 'gender', 'dateOfBirth', 'mobile', 'email'],
  address: ['presentAddress', 'permanentSameAsPresent', 'permanentAddress'],
  residence: ['yearsOfResidence', 'purpose', 'aadhaar'],
  documents: [],
  check: ['declaration']
};

interface WizardAddress {
  house: string;
  postOffice: string;
  policeStation: string;
  pin: string;
}

/**
 * What the wizard's inputs hold (strings, and the two checkboxes) before applicantFromFields shapes it for the API.
 * A type alias, not an interface, so it still fits the drafts' `Record<string, unknown>`.
 */
export type WizardFields = {
  name: string;
  guardianRelation: string;
  guardianName: string;
  gender: string;
  dateOfBirth: string;
  mobile: string;
  email: string;
  presentAddress: WizardAddress & { blockId: string };
  permanentSameAsPresent: boolean;
  permanentAddress: WizardAddress & { district: string };
  yearsOfResidence: string;
  purpose: string;
  aadhaar: string;
  declaration: boolean;
};

export function emptyFields(): WizardFields {
  const address = { house: '', postOffice: '', policeStation: '', pin: '' };
  return {
    name: '',
    guardianRelation: '',
    guardianName: '',
    gender: '',
    dateOfBirth: '',
    mobile: '',
    email: '',
    presentAddress: { ...address, blockId: '' },
    permanentSameAsPresent: true,
    permanentAddress: { ...address, district: '' },
    yearsOfResidence: '',
    purpose: '',
    aadhaar: '',
    declaration: false
  };
}

/** An input's value as text: inputs give strings, a draft from before may hold a number; absent is ''. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export function applicantFromFields(f: Record<string, unknown>): Record<string, unknown> {
  const years = text(f.yearsOfResidence).trim();
  const out: Record<string, unknown> = {
    ...f,
    yearsOfResidence: years === '' ? undefined : Number(years),
    email: text(f.email).trim() || undefined,
    aadhaar: text(f.aadhaar).trim() || undefined
  };
  if (f.permanentSameAsPresent) delete out.permanentAddress;
  return out;
}

/** Field path → catalogue key, for the fields of one step (or all steps), by the very schema the server uses. */
export function errorsFor(fields: Record<string, unknown>, step: Step | 'all'): Record<string, MessageKey> {
  const result = applicantSchema.safeParse(applicantFromFields(fields));
  if (result.success) return {};
  const errors: Record<string, MessageKey> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join('.');
    if (step !== 'all' && !ownedBy[step].includes(String(issue.path[0]))) continue;
    errors[path] ??= (issue.message.startsWith('field.') ? issue.message : 'field.invalid') as MessageKey;
  }
  return errors;
}

/** The shared document rule (shared/application.ts), applied to the files held on the device. */
export function documentErrors(files: { kind: DocumentKind; type: string }[]): Record<string, MessageKey> {
  return documentSetErrors(files.map((f) => ({ kind: f.kind, mime: f.type })));
}
