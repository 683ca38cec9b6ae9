// Issuing the certificate on approval (seed step 5; DESIGN §9): a number, the bilingual PDF with a QR code that
// carries the verify URL and the district's seal, the approving officer's CMS signature, and one row that says
// which application, who, when, and where the signed bytes are. The PDF is made and signed before the approval's
// transaction (`signCertificate`, hundreds of milliseconds of CPU and perhaps a TSA's round trip), and the row is
// written inside it (`recordCertificate`), so the application's lock is held for the update alone.
import type { Applicant } from '../../shared/application.ts';
import { kolkataDate } from '../time.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { getOffice } from '../offices/offices.ts';
import type { User } from '../users/user.ts';
import type { PDFDocument } from 'pdf-lib';
import { officerKeySigner, signingModeOf } from '../signing/officer.ts';
import { isDiskFull } from '../storage/storage.ts';
import { renderCertificate, type CertificateContent } from './render.ts';
import { qrText, sealPayload, type PrintedFacts } from './seal.ts';
import { districtSealSigner } from '../signing/seal-key.ts';
import { signCertificatePdf, type SignatureMeta } from './sign.ts';

export interface IssuedCertificate {
  certificateNo: string;
  pdfSha256: string;
}

export interface Approved {
  id: string;
  ain: string;
  officeId: string;
  form: Record<string, unknown>;
}

export interface SignedCertificate {
  certificateNo: string;
  pdf: Buffer;
  seal: string;
}

/**
 * The signed PDF of an approval about to be made. `designation` is what the signature line says: the officer's own
 * post, or, acting for an absent officer, "for Block Development Officer, <block>" (issue 13). Without one, the
 * block's BDO. It takes the block's next number at once (not in the approval's transaction): a number whose approval
 * is then refused — another officer decided the application in the same second — stays unused, as one of an eSign
 * attempt never completed does.
 */
export async function signCertificate(
  deps: Pick<Deps, 'config' | 'log' | 'secrets'>,
  sql: Queryable,
  app: Approved,
  officer: User,
  at: Date,
  designation: { en: string; bn: string } | null = null
): Promise<SignedCertificate> {
  const { log } = deps;
  const { block, district } = await placeOf(sql, app);
  // eSign is two steps (api/esign/): the officer must pass the ESP's page, so a one-step approval is refused.
  const mode = await signingModeOf(deps.config, sql, officer.id, district.code);
  if (mode === 'esign') throw new ApiError(409, 'esign_required');
  // A missing or unreadable credential is the server's set-up, not the officer's mistake: say so, and change nothing.
  // The credential comes first, so a missing one takes no number.
  const signer = await officerKeySigner(deps, mode, { id: officer.id, name: officer.name, officeName: block.nameEn }).catch((err: unknown) => {
    // A development credential that cannot be written for a full disk is the disk's fault: 507, not "missing".
    if (isDiskFull(err)) throw err;
    log.error('signing_credential_unavailable', { officer: officer.id, mode, error: err instanceof Error ? err.message : String(err) });
    throw new ApiError(409, 'signing_credential_missing');
  });
  const composed = await composeCertificate(deps, sql, app, { name: officer.name, designation }, at, { block, district });
  try {
    const pdf = await signCertificatePdf(composed.doc, signer, composed.meta, deps.config.signing.tsaUrl);
    return { certificateNo: composed.certificateNo, pdf, seal: composed.seal };
  } catch (err) {
    await recordUnusedNumber(deps, sql, { certificateNo: composed.certificateNo, applicationId: app.id, at }, err);
    throw err;
  }
}

/**
 * Says why a number taken for an approval went unused (migrations/015): the signature failed (a TSA's refusal, say),
 * or the approval's transaction refused or failed. If even this cannot be written (the database is away), the log
 * line is the record.
 */
export async function recordUnusedNumber(deps: Pick<Deps, 'log'>, sql: Queryable, n: { certificateNo: string; applicationId: string; at: Date }, cause: unknown): Promise<void> {
  const reason = cause instanceof ApiError ? cause.code : cause instanceof Error ? cause.message.slice(0, 200) : 'unknown';
  deps.log.warn('certificate_number_unused', { certificateNo: n.certificateNo, reason });
  await sql`
    insert into unused_certificate_numbers (certificate_no, application_id, reason, recorded_at)
    values (${n.certificateNo}, ${n.applicationId}, ${reason}, ${n.at})
    on conflict (certificate_no) do nothing`.catch(() => {});
}

type Office = NonNullable<Awaited<ReturnType<typeof getOffice>>>;

export async function placeOf(sql: Queryable, app: Pick<Approved, 'id' | 'officeId'>): Promise<{ block: Office; district: Office }> {
  const block = await getOffice(sql, app.officeId);
  const district = block ? await getOffice(sql, block.districtId) : null;
  if (!block || !district) throw new Error(`application ${app.id} has no block or district`);
  return { block, district };
}

/**
 * The certificate's number (a new one, or `reuseNo` kept from an earlier eSign attempt for the same application),
 * its seal, and the rendered, unsigned document with what its signature dictionary says.
 */
export async function composeCertificate(
  deps: Pick<Deps, 'config' | 'secrets'>,
  sql: Queryable,
  app: Approved,
  officer: Pick<User, 'name'> & { designation?: { en: string; bn: string } | null },
  at: Date,
  place: { block: Office; district: Office },
  reuseNo?: string
): Promise<{ certificateNo: string; seal: string; doc: PDFDocument; meta: SignatureMeta }> {
  const { block, district } = place;
  // The wording follows what happened (DESIGN §12): an approval from "enquiry reported" rests on the field enquiry;
  // one straight from "received" does not. Read before the approval's update changes the status.
  const [basis] = await sql<{ enquiryHeld: boolean }[]>`select status = 'enquiry_reported' as enquiry_held from applications where id = ${app.id}`;
  const certificateNo = reuseNo ?? (await nextCertificateNo(sql, block, district.code, at));
  const form = app.form as unknown as FormOnCertificate;

  // What the paper prints is what the QR seals: one value for each, so the two cannot differ.
  const printed = printedFacts(form, block.nameEn, district.nameEn, officer.name);
  const seal = sealPayload(await districtSealSigner(deps), {
    certificateNo,
    ain: app.ain,
    name: form.name,
    issuedOn: kolkataDate(at),
    // The census codes (district + block) rather than the office's id: the QR stays small enough to scan easily.
    officeCode: `${district.code}${block.code}`,
    printed
  });
  const content: CertificateContent = {
    certificateNo,
    ain: app.ain,
    applicant: {
      name: form.name,
      guardianRelation: printed.guardianRelation,
      guardianName: printed.guardianName,
      gender: printed.gender,
      dateOfBirth: form.dateOfBirth,
      yearsOfResidence: printed.yearsOfResidence,
      address: printed.address
    },
    office: { nameEn: block.nameEn, nameBn: block.nameBn },
    district: { nameEn: district.nameEn, nameBn: district.nameBn },
    officer: {
      name: printed.officer,
      // Issue 13: "for Block Development Officer, <block>" when acting, the SDO for a municipal area, the DM on a take-over.
      designationEn: officer.designation?.en ?? `Block Development Officer, ${block.nameEn}`,
      designationBn: officer.designation?.bn ?? `সমষ্টি উন্নয়ন আধিকারিক, ${block.nameBn}`
    },
    issuedAt: at,
    enquiryHeld: basis?.enquiryHeld ?? false,
    verifyUrl: `${deps.config.origin}/verify/${encodeURIComponent(certificateNo)}`,
    qrText: qrText(deps.config.origin, certificateNo, seal)
  };
  const meta = { reason: `Ordinary Residential Certificate ${certificateNo}`, location: `${block.nameEn}, ${district.nameEn}`, name: officer.name, signedAt: at };
  return { certificateNo, seal, doc: await renderCertificate(content), meta };
}

/** Stores the signed PDF and writes the certificate's row. */
export async function recordCertificate(
  deps: Pick<Deps, 'storage'>,
  sql: Queryable,
  c: { applicationId: string; certificateNo: string; at: Date; officerId: string; pdf: Buffer; seal: string }
): Promise<IssuedCertificate> {
  const pdfSha256 = await deps.storage.put(c.pdf);
  await sql`
    insert into certificates (certificate_no, application_id, issued_at, issued_by, pdf_sha256, seal)
    values (${c.certificateNo}, ${c.applicationId}, ${c.at}, ${c.officerId}, ${pdfSha256}, ${c.seal})`;
  return { certificateNo: c.certificateNo, pdfSha256 };
}

/** What the certificate prints of the form (shared/application.ts), as stored in applications.form. */
export type FormOnCertificate = Pick<Applicant, 'name' | 'guardianRelation' | 'guardianName' | 'gender' | 'dateOfBirth' | 'yearsOfResidence' | 'presentAddress'>;

function addressLine(a: FormOnCertificate['presentAddress'], block: string, district: string): string {
  return `${a.house}, P.O. ${a.postOffice}, P.S. ${a.policeStation}, ${block}, ${district} - ${a.pin}`;
}

/** The facts of a certificate besides its number, AIN, name, date and office: sealed in the QR, shown by /verify. */
export function printedFacts(form: FormOnCertificate, blockNameEn: string, districtNameEn: string, officerName: string): PrintedFacts {
  return {
    gender: form.gender,
    guardianRelation: form.guardianRelation,
    guardianName: form.guardianName,
    address: addressLine(form.presentAddress, blockNameEn, districtNameEn),
    yearsOfResidence: form.yearsOfResidence,
    officer: officerName
  };
}

/** ORC-2026-11002-000017: the year (Kolkata), district and block codes, and the block's serial for the year. */
async function nextCertificateNo(sql: Queryable, block: { id: string; code: string }, districtCode: string, at: Date): Promise<string> {
  const year = Number(kolkataDate(at).slice(0, 4));
  const [row] = await sql<{ lastSerial: number }[]>`
    insert into certificate_serials (office_id, year, last_serial) values (${block.id}, ${year}, 1)
    on conflict (office_id, year) do update set last_serial = certificate_serials.last_serial + 1
    returning last_serial`;
  return `ORC-${year}-${districtCode}${block.code}-${String(row!.lastSerial).padStart(6, '0')}`;
}
