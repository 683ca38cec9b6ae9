// Sending a draft: upload each document not yet uploaded (with progress), then submit the application with the
// draft's Idempotency-Key. Any network failure leaves the draft queued on the device; the next attempt (when the
// network returns, or the app is next opened) resumes where it stopped and can never create a second application.
import { applicantFromFields } from '$lib/apply/fields.ts';
import { draftsOf, getDraft, putDraft, type Draft } from './db.ts';
import { oneAtATime, Offline, postOnce, Refused, uploadDocument } from './queue.ts';

type Outcome = { kind: 'sent'; ain: string } | { kind: 'queued' } | { kind: 'refused'; message: string; fields?: Record<string, string> };

/** Sends one draft; one send at a time, so two triggers (online event, button) never race. */
export function sendDraft(draftId: string, onProgress: (percent: number) => void = () => {}): Promise<Outcome> {
  return oneAtATime(() => sendNow(draftId, onProgress));
}

async function sendNow(draftId: string, onProgress: (percent: number) => void): Promise<Outcome> {
  const draft = await getDraft(draftId);
  if (!draft) return { kind: 'refused', message: '' };
  if (draft.state === 'sent' && draft.ain) return { kind: 'sent', ain: draft.ain };
  if (!navigator.onLine) {
    await putDraft({ ...draft, state: 'queued' });
    return { kind: 'queued' };
  }
  let uploading: Draft['files'][number] | null = null;
  try {
    const total = draft.files.reduce((n, f) => n + f.size, 0) || 1;
    let done = draft.files.filter((f) => f.serverId).reduce((n, f) => n + f.size, 0);
    for (const file of draft.files) {
      if (file.serverId) continue;
      uploading = file;
      const form = new FormData();
      form.set('kind', file.kind);
      form.set('proof', file.proof);
      form.set('file', file.blob!, file.name); // only files without a serverId are uploaded, and those have bytes
      const { id } = await uploadDocument(form, (loaded) => onProgress(Math.round(((done + loaded) / total) * 100)));
      file.serverId = id;
      done += file.size;
      await putDraft(draft); // remember each finished upload at once
    }
    uploading = null;
    onProgress(100);
    const applicant = applicantFromFields(draft.fields);
    const documents = draft.files.map((f) => f.serverId);
    // A correction goes back to its own application (seed step 8); the version guards against a second tab.
    const { ain } = draft.resubmit
      ? await postOnce<{ ain: string }>(`/api/applications/${draft.resubmit.ain}/resubmit`, draft.idempotencyKey, { version: draft.resubmit.version, applicant, documents })
      : await postOnce<{ ain: string }>('/api/applications', draft.idempotencyKey, { applicant, documents });
    await putDraft({ ...draft, state: 'sent', ain, error: undefined });
    return { kind: 'sent', ain };
  } catch (err) {
    if (err instanceof Offline) {
      await putDraft({ ...draft, state: 'queued' });
      return { kind: 'queued' };
    }
    if (!(err instanceof Refused)) throw err;
    const { message } = err.refusal;
    // A refused upload is about that document; a refused submission names its own fields.
    const fields = uploading ? { [`documents.${uploading.kind}`]: message } : err.refusal.fields;
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
