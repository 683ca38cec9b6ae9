// The issuer side of DigiLocker's "Issuer API Specification", version 1.12 (DIGILOCKER_API_VERSION; NeGD,
// September 2022): DigiLocker calls the issuer's Pull URI Request API when a citizen searches for a certificate,
// and its Pull Doc Request API when the citizen opens one; both are XML over HTTP POST, each authenticated by the
// x-digilocker-hmac header, the Base64 HMAC-SHA256 of the raw request body keyed with the API key the issuer set on
// the DigiLocker Partner Portal. A document URI is `<issuer id>-<doc type>-<document id>`; ours is the certificate
// number. 1.12 makes DataContent (Base64 of the certificate's machine-readable XML) mandatory beside the PDF.
// Searches: the certificate number (UDF1), or the AIN (UDF2) — each only with the name and date of birth DigiLocker
// sends from Aadhaar matching the certificate's, as the specification recommends, so only its owner can pull it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/connect.ts';
import type { Storage } from '../storage/storage.ts';
import { asciiDigits } from '../../shared/digits.ts';

export const DIGILOCKER_API_VERSION = '1.12';

type DigiLocker = NonNullable<Config['digilocker']>;

/** The header's HMAC, checked in constant time against the body's. */
export function hmacValid(apiKey: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', apiKey).update(body, 'utf8').digest();
  let given: Buffer;
  try {
    given = Buffer.from(header.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function documentUri(d: DigiLocker, certificateNo: string): string {
  return `${d.issuerId}-${d.docType}-${certificateNo}`;
}

/** The certificate number a URI names, or null when it is not one of ours. */
export function certificateNoOf(d: DigiLocker, uri: string): string | null {
  const prefix = `${d.issuerId}-${d.docType}-`;
  const no = uri.startsWith(prefix) ? uri.slice(prefix.length) : '';
  return /^ORC-\d{4}-\d{5}-\d{6}$/.test(no) ? no : null;
}

type Format = 'pdf' | 'xml' | 'both';

export interface PullRequest {
  kind: 'PullURIRequest' | 'PullDocRequest';
  ver: string;
  ts: string;
  txn: string;
  orgId: string;
  /** Absent means pdf (the specification's default). */
  format: Format;
  details: Record<string, string>;
}

/** Reads either request; null when it is not one (wrong root, no DocDetails, unknown format). */
export function parsePullRequest(xml: string): PullRequest | null {
  let root: Element | null;
  try {
    root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  } catch {
    return null;
  }
  if (!root || (root.localName !== 'PullURIRequest' && root.localName !== 'PullDocRequest')) return null;
  const docDetails = root.getElementsByTagName('DocDetails')[0];
  if (!docDetails) return null;
  const format = (root.getAttribute('format') || 'pdf').toLowerCase();
  if (format !== 'pdf' && format !== 'xml' && format !== 'both') return null;
  const details: Record<string, string> = {};
  for (let n = docDetails.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) details[(n as Element).localName ?? ''] = (n.textContent ?? '').trim();
  }
  return { kind: root.localName, ver: root.getAttribute('ver') ?? '', ts: root.getAttribute('ts') ?? '', txn: root.getAttribute('txn') ?? '', orgId: root.getAttribute('orgId') ?? '', format, details };
}

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const element = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${esc(value)}</${name}>`);

interface CertificateRecord {
  certificateNo: string;
  ain: string;
  name: string;
  form: Record<string, unknown>;
  issuedAt: Date;
  pdfSha256: string;
  revokedAt: Date | null;
  officeEn: string;
  districtEn: string;
}

async function findCertificate(sql: Queryable, by: { certificateNo: string } | { ain: string }): Promise<CertificateRecord | null> {
  const [row] = await sql<CertificateRecord[]>`
    select c.certificate_no, a.ain, a.applicant_name as name, a.form, c.issued_at, c.pdf_sha256, c.revoked_at, o.name_en as office_en, d.name_en as district_en
    from certificates c join applications a on a.id = c.application_id join offices o on o.id = a.office_id join offices d on d.id = o.district_id
    where ${'certificateNo' in by ? sql`c.certificate_no = ${by.certificateNo}` : sql`a.ain = ${by.ain}`}`;
  return row ?? null;
}

/** DD-MM-YYYY, as DigiLocker sends dates of birth. */
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('-');
const sameName = (a: string, b: string) => a.normalize('NFC').toLowerCase().replace(/[.\s]+/g, ' ').trim() === b.normalize('NFC').toLowerCase().replace(/[.\s]+/g, ' ').trim();

/** The owner's Aadhaar name and date of birth must be the certificate's. */
function ownerMatches(cert: CertificateRecord, details: Record<string, string>): boolean {
  const dob = typeof cert.form.dateOfBirth === 'string' ? cert.form.dateOfBirth : '';
  return !!details.FullName && !!details.DOB && sameName(details.FullName, cert.name) && details.DOB === ddmmyyyy(dob);
}

/** The certificate's machine-readable XML (DataContent), in DigiLocker's certificate layout. */
export function certificateXml(d: DigiLocker, cert: CertificateRecord): string {
  const f = cert.form as { guardianName?: string; guardianRelation?: string; gender?: string; dateOfBirth?: string; yearsOfResidence?: number; presentAddress?: Record<string, string> };
  const a = f.presentAddress ?? {};
  const gender = f.gender === 'female' ? 'F' : f.gender === 'male' ? 'M' : 'T';
  const issued = ddmmyyyy(cert.issuedAt.toISOString().slice(0, 10));
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<Certificate language="99" name="Ordinary Residential Certificate" type="${esc(d.docType)}" number="${esc(cert.certificateNo)}" issuedAt="${esc(cert.officeEn)}" issueDate="${issued}" status="${cert.revokedAt ? 'R' : 'A'}">` +
    `<IssuedBy><Organization name="${esc(`Block Development Officer, ${cert.officeEn}`)}" type="SG"><Address district="${esc(cert.districtEn)}" state="West Bengal" country="IN"/></Organization></IssuedBy>` +
    `<IssuedTo><Person name="${esc(cert.name)}" dob="${esc(ddmmyyyy(f.dateOfBirth ?? ''))}" gender="${gender}" relationName="${esc(f.guardianName ?? '')}" relationType="${esc(f.guardianRelation ?? '')}">` +
    `<Address line1="${esc(a.house ?? '')}" line2="${esc(`P.O. ${a.postOffice ?? ''}, P.S. ${a.policeStation ?? ''}`)}" district="${esc(cert.districtEn)}" state="West Bengal" pin="${esc(a.pin ?? '')}" country="IN"/></Person></IssuedTo>` +
    `<CertificateData><ResidenceCertificate applicationNumber="${esc(cert.ain)}" yearsOfResidence="${esc(String(f.yearsOfResidence ?? ''))}"/></CertificateData>` +
    `</Certificate>`
  );
}

export interface PullAnswer {
  /** HTTP body (XML). */
  xml: string;
  found: boolean;
}

function responseStatus(req: PullRequest, status: '1' | '0' | '9'): string {
  return `<ResponseStatus Status="${status}" ts="${esc(req.ts)}" txn="${esc(req.txn)}">${status}</ResponseStatus>`;
}

async function contents(storage: Storage, d: DigiLocker, cert: CertificateRecord, format: Format): Promise<string> {
  const pdf = format === 'xml' ? null : await storage.get(cert.pdfSha256);
  if (format !== 'xml' && !pdf) throw new Error(`certificate ${cert.certificateNo}: stored PDF missing`);
  return (pdf ? element('DocContent', Buffer.from(pdf).toString('base64')) : '') + (format === 'pdf' ? '' : element('DataContent', Buffer.from(certificateXml(d, cert), 'utf8').toString('base64')));
}

/**
 * Pull URI: a found, valid certificate whose owner matches answers Status 1 with its URI and contents; anything else
 * (not found, not the owner, revoked) answers Status 0 with no document — a revoked certificate is no longer
 * issued to anyone's locker.
 */
export async function pullUri(sql: Queryable, storage: Storage, d: DigiLocker, req: PullRequest): Promise<PullAnswer> {
  const by = req.details.UDF1 ? { certificateNo: req.details.UDF1.trim().toUpperCase() } : req.details.UDF2 ? { ain: asciiDigits(req.details.UDF2).replace(/\D/g, '') } : null;
  const cert = by ? await findCertificate(sql, by) : null;
  const ok = !!cert && !cert.revokedAt && ownerMatches(cert, req.details);
  const echo = ['DocType', 'DigiLockerId', 'UID', 'FullName', 'DOB', 'UDF1', 'UDF2'].map((k) => element(k, req.details[k])).join('');
  const body = ok ? `${echo}${element('URI', documentUri(d, cert.certificateNo))}${await contents(storage, d, cert, req.format)}` : echo;
  return { found: ok, xml: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PullURIResponse xmlns:ns2="http://tempuri.org/">${responseStatus(req, ok ? '1' : '0')}<DocDetails>${body}</DocDetails></PullURIResponse>` };
}

/** Pull Doc: the document a saved URI names, unless it is unknown or has been revoked since (Status 0). */
export async function pullDoc(sql: Queryable, storage: Storage, d: DigiLocker, req: PullRequest): Promise<PullAnswer> {
  const no = certificateNoOf(d, req.details.URI ?? '');
  const cert = no ? await findCertificate(sql, { certificateNo: no }) : null;
  const ok = !!cert && !cert.revokedAt;
  const body = ok ? await contents(storage, d, cert, req.format) : '';
  return { found: ok, xml: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PullDocResponse xmlns:ns2="http://tempuri.org/">${responseStatus(req, ok ? '1' : '0')}<DocDetails>${body}</DocDetails></PullDocResponse>` };
}
