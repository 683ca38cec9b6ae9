// One error shape for the whole API (DESIGN §6): {"error":{"code","message","fields"?}}, message and field texts in
// the caller's language. Expected failures are thrown as ApiError; anything else is a bug, logged once, answered 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError, ZodType, output } from 'zod';
import { isDiskFull } from '../storage/storage.ts';
import { isMessageKey, translate, type Lang, type MessageKey } from '../../i18n/index.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './unavailable.ts';

type ErrorKey = Extract<MessageKey, `error.${string}`>;
export type ErrorCode = ErrorKey extends `error.${infer C}` ? C : never;
type FieldKey = Extract<MessageKey, `field.${string}`>;

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    readonly detail: { vars?: Record<string, string | number>; fields?: Record<string, FieldKey>; headers?: Record<string, string> } = {}
  ) {
    super(status, { message: code });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

export function errorBody(lang: Lang, code: ErrorCode, detail: ApiError['detail'] = {}): ErrorBody {
  const body: ErrorBody = { error: { code, message: translate(lang, `error.${code}`, detail.vars) } };
  if (detail.fields) {
    body.error.fields = Object.fromEntries(Object.entries(detail.fields).map(([f, key]) => [f, translate(lang, key)]));
  }
  return body;
}

/** Turns a failed schema check into a 400 naming each field. Schemas carry catalogue keys as their messages. */
export function validationError(error: ZodError): ApiError {
  const fields: Record<string, FieldKey> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '_';
    if (path in fields) continue; // the first problem with a field is the one to fix first
    fields[path] = isMessageKey(issue.message) && issue.message.startsWith('field.') ? (issue.message as FieldKey) : 'field.invalid';
  }
  return new ApiError(400, 'validation', { fields });
}

/**
 * A route's path parameters checked against its schema with zod's synchronous parse, failing as app.openapi()'s
 * validator does (400 naming the fields). For a hot route served outside app.openapi() (api/applications/track.ts).
 */
export function pathParams<T extends ZodType>(c: Context, schema: T): output<T> {
  const result = schema.safeParse(c.req.param());
  if (!result.success) throw validationError(result.error);
  return result.data;
}

const byStatus: Partial<Record<number, ErrorCode>> = {
  400: 'malformed_json',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type'
};

export function toErrorResponse(c: Context, err: Error, lang: Lang, onBug: (err: Error) => void): Response {
  if (err instanceof ApiError) {
    for (const [k, v] of Object.entries(err.detail.headers ?? {})) c.header(k, v);
    return c.json(errorBody(lang, err.code, err.detail), err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Raised inside Hono itself, e.g. by its JSON parser (400) or body limit (413).
    const code = byStatus[err.status] ?? 'validation';
    return c.json(errorBody(lang, code), err.status);
  }
  if (isDatabaseUnavailable(err)) {
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return c.json(errorBody(lang, 'service_unavailable'), 503);
  }
  // A full disk is the server's state, not a bug: say so (507), and the writer has left nothing half-written.
  if (isDiskFull(err)) return c.json(errorBody(lang, 'storage_full'), 507);
  onBug(err);
  return c.json(errorBody(lang, 'internal'), 500);
}
