// Approval with eSign (SIGNING_MODE=esign; DESIGN §14), in two steps around the officer's visit to the ESP.
// start: the application is checked as an approval would be, the certificate is composed (number, seal) and its PDF
// prepared with an empty signature; the SHA-256 of its signed ranges goes into a signed eSign 2.1 request, and one
// esign_requests row remembers all of it. Nothing about the application changes: until the answer it only shows
// "awaiting signature", for at most ESIGN_TIMEOUT_MINUTES.
// finish: the ESP's answer (form-posted by the officer's browser to responseUrl) is checked (api/esign/protocol.ts);
// a good one is embedded in the prepared PDF and the approval runs as any other (actOnApplication), with the row
// leaving 'pending' in the same transaction, so a txn is answered once. Anything else leaves the application as it
// was and says why.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { actOnApplication, authorityOf, refusal } from '../applications/act.ts';
import { lockApplication } from '../applications/access.ts';
import { decide } from '../applications/workflow.ts';
import { composeCertificate, placeOf, recordCertificate } from '../certificates/issue.ts';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { addTimestamp } from '../signing/cms.ts';
import { signingModeOf } from '../signing/officer.ts';
import { embedSignature, preparePdf, signedRangesDigest } from '../signing/pdf.ts';
import { getUser, type User } from '../users/user.ts';
import { buildEsignRequest, checkEsignResponse, claimedTxn, type ResponseRefusal } from './protocol.ts';

/** The ESP's PKCS#7 carries the signer's certificate and the ESP's chain, and maybe a timestamp of our own. */
const ESIGN_SIGNATURE_BYTES = 24 * 1024;

interface EsignSettings {
  espUrl: string;
  aspId: string;
  aspKeyPem: string;
  aspCertPem: string;
  espCertPem: string;
  trustedCaPems: string[];
}

/** The district's eSign settings, read once; null when any is missing (eSign then refuses with esign_unavailable). */
export function esignSettings(deps: Pick<Deps, 'config' | 'secrets'>): Promise<EsignSettings | null> {
  const e = deps.config.esign;
  return deps.secrets.get('esign-settings', async () => {
    if (!e.espUrl || !e.aspId || !e.aspKeyPath || !e.aspCertPath || !e.espCertPath || !e.trustedCaPath) return null;
    const [aspKeyPem, aspCertPem, espCertPem, cas] = await Promise.all([e.aspKeyPath, e.aspCertPath, e.espCertPath, e.trustedCaPath].map((p) => readFile(p, 'utf8')));
    return { espUrl: e.espUrl, aspId: e.aspId, aspKeyPem: aspKeyPem!, aspCertPem: aspCertPem!, espCertPem: espCertPem!, trustedCaPems: [cas!] };
  });
}

export interface EsignStart {
  txn: string;
  /** Where the officer's browser form-posts `fields` (eSign 2.1: eSignRequest, aspTxnId, Content-Type). */
  espUrl: string;
  fields: { eSignRequest: string; aspTxnId: string; 'Content-Type': 'application/xml' };
  expiresAt: Date;
}

export async function startEsign(deps: Deps, actor: User, ain: string, version: number): Promise<EsignStart> {
  const settings = await esignSettings(deps);
  if (!settings) throw new ApiError(409, 'esign_unavailable');
  const now = deps.clock.now();
  const txn = randomUUID();
  const expiresAt = new Date(now.getTime() + deps.config.esign.timeoutMs);
  const digest = await deps.sql.begin(async (sql) => {
    const app = await lockApplication(sql, ain);
    const authority = await authorityOf(sql, actor, app, now);
    const decision = decide(app, 'approve', version, authority.standing);
    if (!decision.ok) throw refusal(decision);
    const place = await placeOf(sql, app);
    if ((await signingModeOf(deps.config, sql, actor.id, place.district.code)) !== 'esign') throw new ApiError(409, 'wrong_state');
    // A lapsed attempt frees the application; a live one holds it (the partial unique index says the same).
    await sql`update esign_requests set status = 'expired', answered_at = ${now} where application_id = ${app.id} and status = 'pending' and expires_at <= ${now}`;
    const [pending] = await sql`select 1 from esign_requests where application_id = ${app.id} and status = 'pending'`;
    if (pending) throw new ApiError(409, 'esign_pending');
    // A retry keeps the number an earlier attempt took, so a cancelled OTP leaves no gap in the block's series.
    const [earlier] = await sql<{ certificateNo: string }[]>`select certificate_no from esign_requests where application_id = ${app.id} order by created_at desc limit 1`;
    // The designation as the officer acts (issue 13): "for Block Development Officer, <block>" on acting charge.
    const composed = await composeCertificate(deps, sql, app, { name: actor.name, designation: authority.designation }, now, place, earlier?.certificateNo);
    const prepared = await preparePdf(composed.doc, composed.meta, ESIGN_SIGNATURE_BYTES);
    const preparedSha256 = await deps.storage.put(prepared.pdf);
    await sql`
      insert into esign_requests (txn, application_id, officer_id, app_version, certificate_no, prepared_sha256, digest, seal, signed_at, created_at, expires_at)
      values (${txn}, ${app.id}, ${actor.id}, ${app.version}, ${composed.certificateNo}, ${preparedSha256}, ${prepared.digest.toString('hex')}, ${composed.seal}, ${now}, ${now}, ${expiresAt})`;
    return { hex: prepared.digest.toString('hex'), certificateNo: composed.certificateNo };
  });
  deps.log.info('esign_started', { by: actor.id });
  return { ...requestFor(deps, settings, { txn, at: now, ain, digestHex: digest.hex, certificateNo: digest.certificateNo }), expiresAt, txn };
}

function requestFor(deps: Pick<Deps, 'config'>, settings: EsignSettings, r: { txn: string; at: Date; ain: string; digestHex: string; certificateNo: string }): Omit<EsignStart, 'expiresAt' | 'txn'> {
  const eSignRequest = buildEsignRequest({
    aspId: settings.aspId,
    txn: r.txn,
    at: r.at,
    responseUrl: `${deps.config.origin}/api/esign/response`,
    digestHex: r.digestHex,
    docInfo: `Ordinary Residential Certificate ${r.certificateNo} (AIN ${r.ain})`,
    aspKeyPem: settings.aspKeyPem,
    aspCertPem: settings.aspCertPem
  });
  return { espUrl: settings.espUrl, fields: { eSignRequest, aspTxnId: r.txn, 'Content-Type': 'application/xml' } };
}

/**
 * The request again, for the page that carries the officer's browser to the ESP (GET /api/esign/go/{txn}): only
 * the officer who started it, only while it waits. Signing is deterministic, so it is the request start answered.
 */
export async function esignHandoff(deps: Deps, actor: User, txn: string): Promise<Omit<EsignStart, 'expiresAt' | 'txn'> | null> {
  const settings = await esignSettings(deps);
  if (!settings) throw new ApiError(409, 'esign_unavailable');
  const [row] = await deps.sql<{ ain: string; certificateNo: string; digest: string; createdAt: Date; expiresAt: Date; status: string; officerId: string }[]>`
    select a.ain, r.certificate_no, r.digest, r.created_at, r.expires_at, r.status, r.officer_id
    from esign_requests r join applications a on a.id = r.application_id where r.txn = ${txn}`;
  if (!row || row.officerId !== actor.id || row.status !== 'pending' || row.expiresAt <= deps.clock.now()) return null;
  return requestFor(deps, settings, { txn, at: row.createdAt, ain: row.ain, digestHex: row.digest, certificateNo: row.certificateNo });
}

export type EsignOutcome =
  | { outcome: 'signed'; ain: string; certificateNo: string }
  | { outcome: 'refused' | 'rejected'; ain: string; reason: ResponseRefusal | 'stale'; detail?: string }
  | { outcome: 'expired' | 'answered'; ain: string };

interface RequestRow {
  txn: string;
  applicationId: string;
  ain: string;
  officerId: string;
  appVersion: number;
  certificateNo: string;
  preparedSha256: string;
  digest: string;
  seal: string;
  signedAt: Date;
  expiresAt: Date;
  status: string;
}

/** The ESP's answer, as the officer's browser brings it. Null when it names no request of ours. */
export async function finishEsign(deps: Deps, xml: string): Promise<EsignOutcome | null> {
  const settings = await esignSettings(deps);
  const txn = claimedTxn(xml);
  if (!settings || !txn || txn.length > 50) return null;
  const [row] = await deps.sql<RequestRow[]>`
    select r.txn, r.application_id::text, a.ain, r.officer_id, r.app_version, r.certificate_no, r.prepared_sha256, r.digest, r.seal, r.signed_at, r.expires_at, r.status
    from esign_requests r join applications a on a.id = r.application_id where r.txn = ${txn}`;
  if (!row) return null;
  const now = deps.clock.now();
  const { ain } = row;
  if (row.status !== 'pending') return { outcome: 'answered', ain };
  // Each close of a request is conditional on it still pending: of two answers (or an answer and a retry), one wins.
  const close = async (status: 'expired' | 'failed' | 'cancelled', error: string | null) =>
    (await deps.sql`update esign_requests set status = ${status}, answered_at = ${now}, error = ${error} where txn = ${txn} and status = 'pending' returning 1`).length > 0;
  if (now >= row.expiresAt) return (await close('expired', null)) ? { outcome: 'expired', ain } : { outcome: 'answered', ain };
  const officer = await getUser(deps.sql, row.officerId);
  if (!officer) return null;
  const check = await checkEsignResponse(xml, {
    espCertPem: settings.espCertPem,
    trustedCaPems: settings.trustedCaPems,
    txn,
    digestHex: row.digest,
    officerName: officer.name,
    now,
    maxAgeMs: deps.config.esign.timeoutMs
  });
  if (!check.ok) {
    const refused = check.reason === 'refused';
    const closed = await close(refused ? 'cancelled' : 'failed', [check.reason, check.detail].filter(Boolean).join(': '));
    deps.log.warn('esign_refused', { reason: check.reason });
    if (!closed) return { outcome: 'answered', ain };
    return { outcome: refused ? 'refused' : 'rejected', ain, reason: check.reason, ...(check.detail ? { detail: check.detail } : {}) };
  }

  let cms = check.cms;
  if (deps.config.signing.tsaUrl) cms = await addTimestamp(cms, deps.config.signing.tsaUrl);
  const prepared = await deps.storage.get(row.preparedSha256);
  // The stored file must still be the one whose hash the officer signed.
  if (!prepared || signedRangesDigest(prepared).toString('hex') !== row.digest) throw new Error(`prepared PDF of eSign ${txn} is missing or changed`);
  const pdf = embedSignature(prepared, cms);
  try {
    const result = await actOnApplication(deps, officer, ain, { action: 'approve', version: row.appVersion }, async (sql, app) => {
      const [taken] = await sql`update esign_requests set status = 'signed', answered_at = ${now} where txn = ${txn} and status = 'pending' returning 1`;
      if (!taken) throw new ApiError(409, 'wrong_state');
      // The certificate says the time it was composed and signed for, which the PDF prints and the CMS carries.
      return recordCertificate(deps, sql, { applicationId: app.id, certificateNo: row.certificateNo, at: row.signedAt, officerId: officer.id, pdf, seal: row.seal });
    });
    deps.log.info('esign_signed', { by: officer.id });
    return { outcome: 'signed', ain, certificateNo: result.certificateNo! };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // Someone else decided meanwhile (stale version), or this txn was answered a moment ago.
    const closed = await close('failed', `approval refused: ${err.code}`);
    return closed ? { outcome: 'rejected', ain, reason: 'stale' } : { outcome: 'answered', ain };
  }
}

export interface EsignStatus {
  pending: { expiresAt: Date } | null;
  last: { status: string; error: string | null; at: Date } | null;
}

/** For the application page: whether a signature is awaited, and how the last attempt ended. */
export async function esignStatus(deps: Pick<Deps, 'sql' | 'clock'>, applicationId: string): Promise<EsignStatus> {
  const rows = await deps.sql<{ status: string; error: string | null; expiresAt: Date; answeredAt: Date | null; createdAt: Date }[]>`
    select status, error, expires_at, answered_at, created_at from esign_requests where application_id = ${applicationId} order by created_at desc limit 1`;
  const last = rows[0];
  if (!last) return { pending: null, last: null };
  const now = deps.clock.now();
  if (last.status === 'pending' && last.expiresAt > now) return { pending: { expiresAt: last.expiresAt }, last: null };
  return { pending: null, last: { status: last.status === 'pending' ? 'expired' : last.status, error: last.error, at: last.answeredAt ?? last.expiresAt } };
}
