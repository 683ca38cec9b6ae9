// The gateway app, mounted at /sms: USSD sessions, inbound SMS and delivery reports from Africa's Talking and
// MSDG (DESIGN §6, GATEWAYS.md). Gateways post forms from their own servers, so there is no cross-site guard here;
// instead every call must carry SMS_CALLBACK_SECRET as `?key=` (always in production; whenever it is set
// elsewhere). Each handler does one short database transaction and answers at once: gateways retry what is slow.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { recentApplicationsOfMobile, findPublicStatus } from '../api/applications/track.ts';
import type { Deps, RouteDeps } from '../api/deps.ts';
import type { ApiEnv } from '../api/http/env.ts';
import { requestScope } from '../api/http/middleware.ts';
import { applyDeliveryReport } from '../api/notify/outbox.ts';
import { languageOfPhone, setPhoneLanguage } from '../api/users/phone-language.ts';
import { errorFields } from '../shared/log-line.ts';
import { hasControlCharacters } from '../shared/text.ts';
import { translate } from '../i18n/index.ts';
import { answerInboundSms } from './inbound.ts';
import { ussdBody, ussdScreen } from './ussd.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../api/http/unavailable.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

function callbackSecret(deps: RouteDeps): MiddlewareHandler<ApiEnv> {
  const secret = deps.config.smsCallbackSecret;
  return async (c, next) => {
    if (!secret) {
      if (deps.config.production) {
        c.var.deps.log.error('sms_callback_refused', { reason: 'SMS_CALLBACK_SECRET is not set' });
        return c.text('Forbidden', 403);
      }
      return next();
    }
    // Hashing first makes the comparison constant-time whatever the lengths.
    if (!timingSafeEqual(sha256(c.req.query('key') ?? ''), sha256(secret))) return c.text('Forbidden', 403);
    return next();
  };
}

type Form = Record<string, string>;

class UnknownMessage extends Error {}

/** How long a delivery report for an id nobody recorded is asked to come again (503) before it is let go. */
export const UNKNOWN_REPORT_WAIT_MS = 15 * 60_000;

/** A gateway's callback that cannot be read: answered 400 with the reason, so the gateway's logs say what is wrong. */
class BadCallback extends Error {}

/**
 * The callback's form fields (urlencoded or multipart). A body that is not a form, or a field holding a control
 * character (the shared rule of shared/text.ts; an SMS may hold newlines), is refused here, before any lookup.
 */
async function readForm(c: { req: { parseBody(): Promise<Record<string, unknown>> } }): Promise<Form> {
  const body = await c.req.parseBody().catch(() => {
    throw new BadCallback('the body is not a form');
  });
  const form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const bad = Object.keys(form).filter((name) => hasControlCharacters(form[name]!, { multiline: true }));
  if (bad.length) throw new BadCallback(`control characters in: ${bad.join(', ')}`);
  return form;
}

/**
 * A gateway's ids, statuses and numbers are short (Africa's Talking's ids are "ATXid_" and 32 hex digits). They become
 * keys of gateway_callbacks and delivery_report_waits, whose index takes at most about 2,700 bytes a key: a longer one
 * failed the insert, a 500 the gateway retried for ten minutes.
 */
const SHORT_FIELD = 200;

/** What is wrong with a callback's fields, or null: a required one missing, or a `short` one too long. */
function formProblem(form: Form, required: string[], short: string[] = []): string | null {
  const absent = required.filter((n) => form[n] === undefined);
  if (absent.length) return `Missing: ${absent.join(', ')}`;
  const long = short.filter((n) => (form[n]?.length ?? 0) > SHORT_FIELD);
  return long.length ? `Too long (over ${SHORT_FIELD} characters): ${long.join(', ')}` : null;
}

/** What the gateway is told of an inbound SMS: a 200 each time, since a retry would change nothing. */
const inboundAnswer = {
  answered: 'OK',
  repeat: 'OK (already answered)',
  not_a_mobile: 'OK (the sender is not a mobile number; not answered)',
  throttled: 'OK (too many messages from this number this hour; not answered)'
} as const;

export function createSmsApp(appDeps: Deps) {
  // As the API's route factories (api/deps.ts): what logs takes the request's deps, c.var.deps, whose logger writes
  // the request's id on every line; the app's own have no logger here, so a line without the id does not compile.
  const deps: RouteDeps = appDeps;
  const app = new Hono<ApiEnv>().basePath('/sms');
  app.use('*', requestScope(appDeps));
  // Gateways give up after a few seconds (USSD: 15 s): their latency by route is what an operator watches.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.metrics.httpDuration.observe({ method: c.req.method, route: c.req.routePath, status: c.res.status }, (performance.now() - started) / 1000);
  });
  app.use('*', callbackSecret(deps), bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('Payload too large', 413) }));

  app.post('/ussd', async (c) => {
    const form = await readForm(c);
    const problem = formProblem(form, ['sessionId', 'phoneNumber', 'text']);
    if (problem) return c.text(`END ${problem}`, 400);
    const phone = /^\+\d{8,15}$/.test(form.phoneNumber!) ? form.phoneNumber! : null;
    const lang = (phone && (await languageOfPhone(deps.sql, phone))) || deps.config.defaultLang;
    try {
      const screen = await ussdScreen(form.text!, lang, {
        status: (ain) => findPublicStatus(deps.sql, ain),
        mine: () => (phone ? recentApplicationsOfMobile(deps.sql, phone) : Promise.resolve([])),
        saveLanguage: (l) => (phone ? setPhoneLanguage(deps.sql, phone, l, deps.clock.now()) : Promise.resolve())
      });
      return c.text(ussdBody(screen));
    } catch (err) {
      // The caller sees a sentence, not a dropped session.
      c.var.deps.log.error('ussd_failed', errorFields(err));
      return c.text(`END ${translate(lang, 'ussd.error')}`);
    }
  });

  app.post('/inbound', async (c) => {
    const form = await readForm(c);
    const problem = formProblem(form, ['from', 'text', 'id'], ['from', 'id']);
    if (problem) return c.text(problem, 400);
    return c.text(inboundAnswer[await answerInboundSms(c.var.deps, { provider: 'africastalking', messageId: form.id!, from: form.from!, text: form.text! })]);
  });

  app.post('/inbound/msdg', async (c) => {
    const form = await readForm(c);
    const problem = formProblem(form, ['mobileNumber', 'message']);
    if (problem) return c.text(problem, 400);
    // MSDG sends no message id; the same number, time and text is the same message.
    const messageId = createHash('sha256').update(`${form.mobileNumber}\n${form.timeStamp ?? ''}\n${form.message}`).digest('hex').slice(0, 32);
    return c.text(inboundAnswer[await answerInboundSms(c.var.deps, { provider: 'msdg', messageId, from: form.mobileNumber!, text: form.message! })]);
  });

  app.post('/delivery', async (c) => {
    const form = await readForm(c);
    const problem = formProblem(form, ['id', 'status'], ['id', 'status', 'retryCount', 'failureReason']);
    if (problem) return c.text(problem, 400);
    const key = `africastalking:delivery:${form.id}:${form.status}:${form.retryCount ?? ''}`;
    const outcome = await deps.sql.begin(async (sql) => {
      const [first] = await sql`
        insert into gateway_callbacks (key, kind, received_at) values (${key}, 'delivery', ${deps.clock.now()})
        on conflict (key) do nothing returning key`;
      if (!first) return 'repeat';
      const known = await applyDeliveryReport({ ...c.var.deps, sql }, { providerId: form.id!, status: form.status!, failureReason: form.failureReason });
      // A report can outrun the dispatcher's record of the message id; forget the key so the gateway's retry
      // (they retry for about ten minutes) is applied once the id is there.
      if (!known) throw new UnknownMessage();
      return 'applied';
    }).catch((err: unknown) => {
      if (err instanceof UnknownMessage) return 'unknown' as const;
      throw err;
    });
    if (outcome === 'unknown') {
      // The dispatcher records a provider's id a moment after the provider answers, so an early report is asked
      // to come again. But an id that never becomes known (another system's message, a report for a row since
      // removed) would be retried by the gateway forever: after UNKNOWN_REPORT_WAIT_MS from its first report it is
      // acknowledged and dropped.
      const [wait] = await deps.sql<{ firstSeenAt: Date }[]>`
        insert into delivery_report_waits (provider_id, first_seen_at) values (${form.id!}, ${deps.clock.now()})
        on conflict (provider_id) do update set provider_id = excluded.provider_id
        returning first_seen_at`;
      if (deps.clock.now().getTime() - wait!.firstSeenAt.getTime() >= UNKNOWN_REPORT_WAIT_MS) {
        c.var.deps.log.warn('delivery_report_dropped', { status: form.status });
        return c.text('OK (unknown message id, dropped)');
      }
      c.var.deps.log.warn('delivery_report_unknown_message', { status: form.status });
      return c.text('Unknown message id; try again later', 503);
    }
    return c.text(outcome === 'repeat' ? 'OK (already recorded)' : 'OK');
  });

  app.notFound((c) => c.text('Not found', 404));
  app.onError((err, c) => {
    if (err instanceof BadCallback) return c.text(`Bad request: ${err.message}`, 400);
    // The gateway retries a callback that did not get a 2xx: during a database outage that is what we want.
    if (isDatabaseUnavailable(err)) {
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.text('Service unavailable; try again', 503);
    }
    (c.get('deps') ?? appDeps).log.error('sms_unhandled', { route: c.req.routePath, ...errorFields(err) });
    return c.text('Error', 500);
  });
  return app;
}
