// The Enquiry Officer in the field (seed step 4): the enquiries assigned to them are copied to the phone, with the
// document previews, whenever the app is online; the field report is written on the phone and sent when the network
// returns — photos first, then the report under one Idempotency-Key, so a resend never files it twice. A report on
// an enquiry the BDO reassigned meanwhile stays on the phone, marked as a conflict, for the officer to see.
import { api } from '$lib/api.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import { enquiriesOf, getEnquiry, getPreview, getReport, putEnquiry, putPreview, putReport, reportsOf, type CachedEnquiry, type FieldReport } from './db.ts';

export interface EnquiryDetail extends Record<string, unknown> {
  ain: string;
  status: string;
  version: number;
  documents: { id: string; kind: string; proof: string; mime: string }[];
}

/** The enquiry from the server when it answers, else the copy on the phone; `offline` says which it is. */
export async function loadEnquiry(ain: string, ownerId: string): Promise<{ detail: EnquiryDetail; offline: boolean } | { error: string }> {
  const res = await api<EnquiryDetail>(`/applications/${ain}`);
  if (res.ok) {
    await keep(res.data, ownerId);
    return { detail: res.data, offline: false };
  }
  const cached = await getEnquiry(ain);
  if (res.status === 0 && cached && cached.ownerId === ownerId) return { detail: cached.detail as EnquiryDetail, offline: true };
  return { error: res.error.message };
}

/** Copies every open enquiry of this officer to the phone; answers the list (from the phone when offline). */
export async function syncEnquiries(ownerId: string): Promise<{ enquiries: CachedEnquiry[]; offline: boolean }> {
  const res = await api<{ applications: { ain: string; status: string }[] }>('/applications?status=under_enquiry');
  if (res.ok) {
    for (const row of res.data.applications) {
      const detail = await api<EnquiryDetail>(`/applications/${row.ain}`);
      if (detail.ok) await keep(detail.data, ownerId);
    }
  }
  return { enquiries: (await enquiriesOf(ownerId)).sort((a, b) => String(a.detail.dueAt).localeCompare(String(b.detail.dueAt))), offline: !res.ok };
}

async function keep(detail: EnquiryDetail, ownerId: string): Promise<void> {
  await putEnquiry({ ain: detail.ain, ownerId, detail, savedAt: Date.now() });
  for (const doc of detail.documents) {
    if (!doc.mime.startsWith('image/') || (await getPreview(doc.id))) continue;
    const res = await fetch(`/api/documents/${doc.id}/preview`, { credentials: 'same-origin' }).catch(() => null);
    if (res?.ok) await putPreview(doc.id, await res.blob());
  }
}

/** An object URL for a document's preview: from the phone when it has one, else from the server. */
export async function previewUrl(id: string): Promise<string> {
  const blob = await getPreview(id);
  return blob ? URL.createObjectURL(blob) : `/api/documents/${id}/preview`;
}

export function newReport(ain: string, ownerId: string, version: number): FieldReport {
  return {
    ain,
    ownerId,
    version,
    idempotencyKey: `report-${crypto.randomUUID()}`,
    visitedAt: '',
    findings: '',
    recommendation: '',
    position: null,
    locationNote: '',
    photos: [],
    state: 'editing',
    updatedAt: Date.now()
  };
}

export type ReportOutcome = { kind: 'sent' } | { kind: 'queued' } | { kind: 'conflict'; message: string } | { kind: 'refused'; message: string; fields?: Record<string, string> };

class Offline extends Error {}

let sending: Promise<unknown> = Promise.resolve();

/** Sends one report; one at a time, so the online event and the button never race. */
export function sendReport(ain: string): Promise<ReportOutcome> {
  const run = sending.then(() => sendNow(ain));
  sending = run.catch(() => undefined);
  return run;
}

async function sendNow(ain: string): Promise<ReportOutcome> {
  const report = await getReport(ain);
  if (!report) return { kind: 'refused', message: '' };
  if (report.state === 'sent') return { kind: 'sent' };
  if (!navigator.onLine) {
    await putReport({ ...report, state: 'queued' });
    return { kind: 'queued' };
  }
  try {
    for (const photo of report.photos) {
      if (photo.serverId) continue;
      const form = new FormData();
      form.set('kind', 'field_photo');
      form.set('file', photo.blob, `field-${photo.localId.slice(0, 8)}.jpg`);
      const res = await fetch('/api/documents', { method: 'POST', body: form, headers: { 'Accept-Language': i18n.lang } }).catch(() => {
        throw new Offline();
      });
      if (res.status >= 500) throw new Offline();
      const body = await res.json();
      if (!res.ok) return refuse(report, body.error);
      photo.serverId = body.id;
      await putReport(report); // remember each finished upload at once
    }
    const res = await fetch(`/api/applications/${ain}/report`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': i18n.lang, 'Idempotency-Key': report.idempotencyKey },
      body: JSON.stringify({
        version: report.version,
        visitedAt: new Date(report.visitedAt).toISOString(),
        findings: report.findings,
        recommendation: report.recommendation,
        position: report.position ?? undefined,
        locationNote: report.locationNote || undefined,
        photos: report.photos.map((p) => p.serverId)
      })
    }).catch(() => {
      throw new Offline();
    });
    if (res.status >= 500) throw new Offline();
    const body = await res.json();
    if (res.ok) {
      await putReport({ ...report, state: 'sent', error: undefined });
      return { kind: 'sent' };
    }
    if (res.status === 409) {
      await putReport({ ...report, state: 'conflict', error: body.error });
      return { kind: 'conflict', message: body.error.message };
    }
    return refuse(report, body.error);
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    await putReport({ ...report, state: 'queued' });
    return { kind: 'queued' };
  }
}

async function refuse(report: FieldReport, error: { message: string; fields?: Record<string, string> }): Promise<ReportOutcome> {
  await putReport({ ...report, state: 'refused', error });
  return { kind: 'refused', message: error.message, fields: error.fields };
}

/** Sends every queued report of this officer: when the app opens and whenever the network returns. */
export async function flushReports(ownerId: string): Promise<void> {
  for (const report of await reportsOf(ownerId)) {
    if (report.state === 'queued') await sendReport(report.ain);
  }
}
