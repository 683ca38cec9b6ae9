// What the phone's two senders share — applications (send.ts) and the Enquiry Officer's field reports
// (enquiries.ts): one send at a time, so the online event, the app opening and a button never race; uploads that
// tell "no network" (try again later) from "refused" (the person must fix something); and a JSON post under an
// Idempotency-Key, so a resend after a lost answer can never file twice.
import { i18n, t } from '$lib/i18n.svelte.ts';

/** No network, or the server could not answer now: the work stays queued on the device. */
export class Offline extends Error {}

export interface Refusal {
  code?: string;
  message: string;
  fields?: Record<string, string>;
}

/** The server answered and said no: retrying the same request will not help. */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

let chain: Promise<unknown> = Promise.resolve();

export function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = chain.then(task);
  chain = run.catch(() => undefined);
  return run;
}

function refusalOf(status: number, text: string): Refusal {
  try {
    const body = JSON.parse(text) as { error?: Refusal };
    if (body.error?.message) return body.error;
  } catch {
    // a proxy's HTML page, say
  }
  return { message: status === 413 ? t('error.payload_too_large') : t('error.internal') };
}

/** Uploads one file to POST /api/documents; XMLHttpRequest because fetch cannot report upload progress. */
export function uploadDocument(form: FormData, onProgress: (loaded: number) => void = () => {}): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/documents');
    xhr.setRequestHeader('Accept-Language', i18n.lang);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new Offline());
    xhr.onload = () => {
      if (xhr.status === 0 || xhr.status >= 500) return reject(new Offline());
      if (xhr.status !== 201) return reject(new Refused(refusalOf(xhr.status, xhr.responseText)));
      try {
        resolve(JSON.parse(xhr.responseText) as { id: string });
      } catch {
        reject(new Offline()); // a truncated answer: the upload is retried
      }
    };
    xhr.send(form);
  });
}

/** POSTs JSON once under `key`; answers the body of a 2xx, throws Offline or Refused otherwise. */
export async function postOnce<T>(path: string, key: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': i18n.lang, 'Idempotency-Key': key },
    body: JSON.stringify(body)
  }).catch(() => {
    throw new Offline();
  });
  if (res.status >= 500) throw new Offline();
  const text = await res.text();
  if (!res.ok) throw new Refused(refusalOf(res.status, text));
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Offline();
  }
}
