// The PWA's one way to call the API: the client generated from the API's OpenAPI document (`app/lib/api/schema.ts`,
// `npm run openapi`), so every path, parameter, body and answer is typed as the server declares it and nothing is
// hand-typed here (issue 16). The UI language goes along so errors come back translated, and a network failure is
// turned into the same error shape as a server's answer.
import createClient from 'openapi-fetch';
import type { components, paths } from './api/schema.ts';
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

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Success = 200 | 201 | 202;

/** What a `method` call to `path` answers when it succeeds, as the OpenAPI document declares it: for a page's state. */
export type Answer<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { responses: infer R }
  ? { [S in keyof R & Success]: R[S] extends { content: { 'application/json': infer T } } ? T : never }[keyof R & Success]
  : never;

/** The named schemas of the OpenAPI document (`Schemas['ApplicationDetail']`), for the types a page keeps. */
export type Schemas = components['schemas'];

/** The JSON body a `method` call to `path` takes, as the OpenAPI document declares it: for a form that builds one. */
export type Body<P extends keyof paths, M extends Exclude<Method, 'get'>> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

/** A typed call's answer in the one shape every page handles: its data, or the server's translated error. */
export async function ask<D>(pending: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<ApiResult<D>> {
  let answer: Awaited<typeof pending>;
  try {
    answer = await pending;
  } catch {
    // No answer at all, or an answer that is not our JSON: the API answers JSON even when it fails, so an HTML page
    // with a 200 is not from us but from the network in between — a captive portal on station or café Wi-Fi, or an
    // operator's proxy. Either way the reader should check their connection and try again, not report our fault.
    return { ok: false, status: 0, error: { code: 'network', message: t('common.network_error') } };
  }
  const { data, error, response } = answer;
  if (response.ok) return { ok: true, status: response.status, data: data as D };
  return { ok: false, status: response.status, error: (error as { error?: ApiFailure } | undefined)?.error ?? { code: 'internal', message: t('error.internal') } };
}
