// Sending a draft: upload each document not yet uploaded (with progress), then submit the application with the
// draft's Idempotency-Key. Any network failure leaves the draft queued on the device; the next attempt (when the
// network returns, or the app is next opened) resumes where it stopped and can never create a second application.
import { applicantFromFields } from '$lib/apply/fields.ts';
import { i18n } from '$lib/i18n.svelte.ts';
import { draftsOf, getDraft, putDraft, type Draft } from './db.ts';

type Outcome = { kind: 'sent'; ain: string } | { kind: 'queued' } | { kind: 'refused'; message: string; fields?: Record<string, string> };

class Offline extends Error {}

function uploadFile(file: Draft['files'][number], onProgress: (loaded: number) => void): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/documents');
    xhr.setRequestHeader('Accept-Language', i18n.lang);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = () => reject(new Offline());
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || 'null');
      if (xhr.status === 201) resolve(body);
      else if (xhr.status === 0 || xhr.status >= 500) reject(new Offline());
      else reject(Object.assign(new Error('refused'), { body, kind: file.kind }));
    };
    const form = new FormData();
    form.set('kind', file.kind);
    form.set('proof', file.proof);
    form.set('file', file.blob!, file.name); // only files without a serverId are uploaded, and those have bytes
    xhr.send(form);
  });
}

let sending: Promise<unknown> = Promise.resolve();

/** Sends one draft; drafts are sent one at a time so two triggers (online event, button) never race. */
export function sendDraft(draftId: string, onProgress: (percent: number) => void = () => {}): Promise<Outcome> {
  const run = sending.then(() => sendNow(draftId, onProgress));
  sending = run.catch(() => undefined);
  return run;
}

async function sendNow(draftId: string, onProgress: (percent: number) => void): Promise<Outcome> {
  const draft = await getDraft(draftId);
  if (!draft) return { kind: 'refused', message: '' };
  if (draft.state === 'sent' && draft.ain) return { kind: 'sent', ain: draft.ain };
  if (!navigator.onLine) {
    await putDraft({ ...draft, state: 'queued' });
    return { kind: 'queued' };
  }
  try {
    const total = draft.files.reduce((n, f) => n + f.size, 0) || 1;
    let done = draft.files.filter((f) => f.serverId).reduce((n, f) => n + f.size, 0);
    for (const file of draft.files) {
      if (file.serverId) continue;
      const { id } = await uploadFile(file, (loaded) => onProgress(Math.round(((done + loaded) / total) * 100)));
      file.serverId = id;
      done += file.size;
      await putDraft(draft); // remember each finished upload at once
    }
    onProgress(100);
    const documents = draft.files.map((f) => f.serverId);
    // A correction goes back to its own application (seed step 8); the version guards against a second tab.
    const res = await fetch(draft.resubmit ? `/api/applications/${draft.resubmit.ain}/resubmit` : '/api/applications', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': i18n.lang, 'Idempotency-Key': draft.idempotencyKey },
      body: JSON.stringify(
        draft.resubmit
          ? { version: draft.resubmit.version, applicant: applicantFromFields(draft.fields), documents }
          : { applicant: applicantFromFields(draft.fields), documents }
      )
    }).catch(() => {
      throw new Offline();
    });
    if (res.status >= 500) throw new Offline();
    const body = await res.json();
    if (res.ok) {
      await putDraft({ ...draft, state: 'sent', ain: body.ain, error: undefined });
      return { kind: 'sent', ain: body.ain };
    }
    await putDraft({ ...draft, state: 'refused', error: body.error });
    return { kind: 'refused', message: body.error.message, fields: body.error.fields };
  } catch (err) {
    if (err instanceof Offline) {
      await putDraft({ ...draft, state: 'queued' });
      return { kind: 'queued' };
    }
    const refusal = err as { body?: { error?: { message: string } }; kind?: string };
    const message = refusal.body?.error?.message ?? String(err);
    const fields = { [`documents.${refusal.kind}`]: message };
    await putDraft({ ...draft, state: 'refused', error: { message, fields } });
    return { kind: 'refused', message, fields };
  }
}

/** Sends every queued draft of this user: called when the app opens and whenever the network returns. */
export async function flushQueue(ownerId: string): Promise<void> {
  for (const draft of await draftsOf(ownerId)) {
    if (draft.state === 'queued') await sendDraft(draft.id);
  }
}
