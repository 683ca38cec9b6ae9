// The PWA's one way to call the API: JSON in and out, the UI language sent along so errors come back translated,
// and a network failure turned into the same error shape as a server's answer.
import { i18n, t } from './i18n.svelte.ts';

export interface ApiFailure {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiFailure };

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
