// The Enquiry Officer in the field (seed step 4): the enquiries assigned to them are copied to the phone, with the
// document previews, whenever the app is online; the field report is written on the phone and sent when the network
// returns — photos first, then the report under one Idempotency-Key, so a resend never files it twice. A report on
// an enquiry the BDO reassigned meanwhile stays on the phone, marked as a conflict, for the officer to see.
import { ask, client, type Schemas } from '$lib/api.ts';
import { deleteEnquiry, enquiriesOf, getEnquiry, getPreview, getReport, putEnquiry, putPreview, putReport, reportsOf, type CachedEnquiry, type FieldReport } from './db.ts';
import { oneAtATime, Offline, postOnce, Refused, uploadDocument } from './queue.ts';

type EnquiryDetail = Schemas['ApplicationDetail'];

const fetchDetail = (ain: string, fetcher?: typeof fetch) => ask(client.GET('/api/applications/{ain}', { params: { path: { ain } }, fetch: fetcher }));

/** The enquiry from the server when it answers, else the copy on the phone; `offline` says which it is. */
export async function loadEnquiry(ain: string, ownerId: string, fetcher?: typeof fetch): Promise<{ detail: EnquiryDetail; offline: boolean } | { error: string }> {
  const res = await fetchDetail(ain, fetcher);
  if (res.ok) {
    await keep(res.data, ownerId);
    return { detail: res.data, offline: false };
  }
  const cached = await getEnquiry(ain);
  if (res.status === 0 && cached && cached.ownerId === ownerId) return { detail: cached.detail, offline: true };
  return { error: res.error.message };
}

/**
 * Copies every open enquiry of this officer to the phone and forgets those no longer theirs to visit (reported,
 * reassigned, decided); answers the list (from the phone when offline). A page's load passes SvelteKit's `fetch`.
 */
export async function syncEnquiries(ownerId: string, fetcher?: typeof fetch): Promise<{ enquiries: CachedEnquiry[]; offline: boolean }> {
  // The server lists an Enquiry Officer only the enquiries assigned to them (api/applications/queries.ts).
  const res = await ask(client.GET('/api/applications', { params: { query: { status: 'under_enquiry' } }, fetch: fetcher }));
  if (res.ok) {
    const listed = new Set(res.data.applications.map((row) => row.ain));
    const details = await Promise.all([...listed].map((ain) => fetchDetail(ain, fetcher)));
    await Promise.all(details.flatMap((detail) => (detail.ok ? [keep(detail.data, ownerId)] : [])));
    await forgetClosed(ownerId, listed);
  }
  return { enquiries: (await enquiriesOf(ownerId)).sort((a, b) => a.detail.dueAt.localeCompare(b.detail.dueAt)), offline: !res.ok };
}

async function keep(detail: EnquiryDetail, ownerId: string): Promise<void> {
  await putEnquiry({ ain: detail.ain, ownerId, detail, savedAt: Date.now() });
  await Promise.all(
    detail.documents
      .filter((doc) => doc.mime.startsWith('image/'))
      .map(async (doc) => {
        if (await getPreview(doc.id)) return;
        const res = await fetch(`/api/documents/${doc.id}/preview`, { credentials: 'same-origin' }).catch(() => null);
        if (res?.ok) await putPreview(doc.id, await res.blob());
      })
  );
}

/**
 * The phone holds applicants' personal data only while the officer needs it (DESIGN §7): an enquiry the server no
 * longer lists goes, with its previews and the report already sent on it. One with a report still to go (queued,
 * refused, in conflict) stays, so no written work is lost.
 */
async function forgetClosed(ownerId: string, listed: Set<string>): Promise<void> {
  const unsent = new Set((await reportsOf(ownerId)).filter((r) => r.state !== 'sent').map((r) => r.ain));
  const closed = (await enquiriesOf(ownerId)).filter((e) => !listed.has(e.ain) && !unsent.has(e.ain));
  await Promise.all(closed.map((e) => deleteEnquiry(e.ain, e.detail.documents.map((d) => d.id))));
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

/** Sends one report, one send at a time with the application drafts (queue.ts). */
export function sendReport(ain: string): Promise<ReportOutcome> {
  return oneAtATime(() => sendNow(ain));
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
      photo.serverId = (await uploadDocument(form)).id;
      await putReport(report); // remember each finished upload at once
    }
    await postOnce(`/api/applications/${ain}/report`, report.idempotencyKey, {
      version: report.version,
      visitedAt: new Date(report.visitedAt).toISOString(),
      findings: report.findings,
      recommendation: report.recommendation,
      position: report.position ?? undefined,
      locationNote: report.locationNote || undefined,
      photos: report.photos.map((p) => p.serverId)
    });
    await putReport({ ...report, state: 'sent', error: undefined });
    return { kind: 'sent' };
  } catch (err) {
    if (err instanceof Offline) {
      await putReport({ ...report, state: 'queued' });
      return { kind: 'queued' };
    }
    if (!(err instanceof Refused)) throw err;
    // Reassigned meanwhile (409): the report stays on the phone, marked, for the officer to take up with the BDO.
    const state = err.refusal.code === 'enquiry_reassigned' || err.refusal.code === 'stale_version' ? 'conflict' : 'refused';
    await putReport({ ...report, state, error: err.refusal });
    return state === 'conflict' ? { kind: 'conflict', message: err.refusal.message } : { kind: 'refused', message: err.refusal.message, fields: err.refusal.fields };
  }
}

/** Sends every queued report of this officer: when the app opens and whenever the network returns. */
export async function flushReports(ownerId: string): Promise<void> {
  for (const report of await reportsOf(ownerId)) {
    if (report.state === 'queued') await sendReport(report.ain);
  }
}
