// The PWA's one way to call the API: the client generated from the API's OpenAPI document (`app/lib/api/schema.ts`,
// `npm run openapi`), so every path, parameter, body and answer is typed as the server declares it and nothing is
// hand-typed here (issue 16). The UI language goes along so errors come back translated, and a network failure is
// turned into the same error shape as a server's answer.
import createClient from 'openapi-fetch';
import type { paths } from './api/schema.ts';
import { i18n, t } from './i18n.svelte.ts';

export interface ApiFailure {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiFailure };

/** Typed calls: `ask(client.GET('/api/track/{ain}', { params: { path: { ain } } }))`. */
export const client = createClient<paths>({ credentials: 'same-origin' });
client.use({
  onRequest({ request }) {
    request.headers.set('Accept-Language', i18n.lang);
    request.headers.set('Accept', 'application/json');
    return request;
  }
});

/** What a GET of `path` answers with 200, as the OpenAPI document declares it: for a page's state. */
export type Answer<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer T } } } } } ? T : never;

/** A typed call's answer in the one shape every page handles: its data, or the server's translated error. */
export async function ask<D>(pending: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<ApiResult<D>> {
  let answer: Awaited<typeof pending>;
  try {
    answer = await pending;
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: t('common.network_error') } };
  }
  const { data, error, response } = answer;
  if (response.ok) return { ok: true, status: response.status, data: data as D };
  return { ok: false, status: response.status, error: (error as { error?: ApiFailure } | undefined)?.error ?? { code: 'internal', message: t('error.internal') } };
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; fetch?: typeof fetch } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { 'Accept-Language': i18n.lang, Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await (init.fetch ?? fetch)('/api' + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin'
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: t('common.network_error') } };
  }
  if (res.status === 204) return { ok: true, status: 204, data: undefined as T };
  const body = (await res.json().catch(() => null)) as (T & { error?: ApiFailure }) | null;
  if (res.ok && body) return { ok: true, status: res.status, data: body };
  return { ok: false, status: res.status, error: body?.error ?? { code: 'internal', message: t('error.internal') } };
}
