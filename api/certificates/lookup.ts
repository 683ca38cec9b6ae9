// Reading certificates back: by number for the public verification (DESIGN §9), by application for its download.
import type { Queryable } from '../db/connect.ts';
import type { FormOnCertificate } from './issue.ts';

export interface CertificateOnRecord {
  name: string;
  ain: string;
  issuedAt: Date;
  /** The office it was issued for. */
  nameEn: string;
  nameBn: string;
  districtNameEn: string;
  pdfSha256: string;
  revokedAt: Date | null;
  revokeReason: string | null;
  seal: string;
  form: FormOnCertificate;
  /** The officer who signed it. */
  officer: string;
}

export async function certificateByNumber(sql: Queryable, certificateNo: string): Promise<CertificateOnRecord | null> {
  const [row] = await sql<CertificateOnRecord[]>`
    select a.applicant_name as name, a.ain, c.issued_at, o.name_en, o.name_bn, d.name_en as district_name_en, c.pdf_sha256,
           c.revoked_at, c.revoke_reason, c.seal, a.form, u.name as officer
    from certificates c join applications a on a.id = c.application_id join offices o on o.id = a.office_id
      join offices d on d.id = o.district_id join users u on u.id = c.issued_by
    where c.certificate_no = ${certificateNo}`;
  return row ?? null;
}

export async function certificateOfApplication(sql: Queryable, applicationId: string): Promise<{ certificateNo: string; pdfSha256: string; revokedAt: Date | null } | null> {
  const [row] = await sql<{ certificateNo: string; pdfSha256: string; revokedAt: Date | null }[]>`
    select certificate_no, pdf_sha256, revoked_at from certificates where application_id = ${applicationId}`;
  return row ?? null;
}
