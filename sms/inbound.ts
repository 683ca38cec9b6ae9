// Status by SMS (seed feature 3; DESIGN §6): a citizen texts "STATUS <AIN>" or just the AIN, in any case, with or
// without spaces or dashes, even in Bengali or Devanagari digits, and gets the status back by SMS. "HELP" explains;
// anything else gets a short help. The reply goes through the outbox like every other message, in the sender's
// language when the number belongs to an account.
import { parseAin } from '../shared/ain.ts';
import { asciiDigits } from '../shared/digits.ts';
import { toE164IndianMobile } from '../shared/mobile.ts';
import { translate, type Lang, type MessageKey } from '../i18n/index.ts';
import { placeName } from '../i18n/glossary.ts';
import { smsDate } from '../api/time.ts';
import { findPublicStatus, publicState, stateDate, type PublicStatus } from '../api/applications/track.ts';
import { smsReasons, type NotificationEvent, type SlotValues } from '../api/notify/templates.ts';
import type { Deps } from '../api/deps.ts';
import { enqueueSms } from '../api/notify/notify.ts';
import { languageOfPhone } from '../api/users/phone-language.ts';
import { takeAttempt } from '../api/auth/throttle.ts';
import { isOpen } from '../shared/workflow.ts';

export type Intent = { kind: 'status'; ain: string } | { kind: 'help' } | { kind: 'invalid_ain' } | { kind: 'unknown' };

export function parseInbound(text: string): Intent {
  const upper = asciiDigits(text).normalize('NFKC').toUpperCase().trim();
  // Separators people put inside a number: spaces, dashes, dots, slashes.
  const runs = upper.replace(/(\d)[\s\-./]+(?=\d)/g, '$1').match(/\d+/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length >= 8) {
    const parsed = parseAin(longest);
    return parsed.ok ? { kind: 'status', ain: parsed.ain } : { kind: 'invalid_ain' };
  }
  const words = upper.split(/[^A-Z]+/).filter(Boolean);
  if (words.includes('HELP')) return { kind: 'help' };
  if (words.includes('STATUS') && longest.length > 0) return { kind: 'invalid_ain' };
  return { kind: 'unknown' };
}

/** The script of the question, for a number without an account: a Bengali question gets a Bengali answer. */
function scriptLanguage(text: string): Lang | null {
  if (/[\u0980-\u09ff]/.test(text)) return 'bn';
  if (/[\u0900-\u097f]/.test(text)) return 'hi';
  return null;
}

export interface InboundSms {
  provider: 'africastalking' | 'msdg';
  /** The provider's message id, or a hash of the fields when it sends none. */
  messageId: string;
  from: string;
  text: string;
}

const HOUR_MS = 3_600_000;

/**
 * Answers one inbound SMS. 'repeat': one already answered (gateways retry until a 200); 'not_a_mobile': a sender no
 * reply can reach (an operator's alphanumeric sender, a short code), dropped; 'throttled': the number's
 * SMS_INBOUND_PER_HOUR is used up, so the message is recorded and not answered (but for a notice, at most one an hour).
 */
export async function answerInboundSms(
  deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>,
  m: InboundSms
): Promise<'answered' | 'repeat' | 'not_a_mobile' | 'throttled'> {
  const now = deps.clock.now();
  const from = /^\+\d{8,15}$/.test(m.from) ? m.from : toE164IndianMobile(m.from);
  if (!from) {
    deps.log.warn('sms_inbound_bad_sender', { provider: m.provider });
    return 'not_a_mobile';
  }
  return deps.sql.begin(async (sql) => {
    const [first] = await sql`
      insert into gateway_callbacks (key, kind, received_at) values (${`${m.provider}:inbound:${m.messageId}`}, 'inbound', ${now})
      on conflict (key) do nothing returning key`;
    if (!first) return 'repeat';
    const intent = parseInbound(m.text);
    const record = (ain: string | null) => sql`
      insert into sms_inbound (provider, sender, intent, ain, received_at)
      values (${m.provider}, ${from}, ${intent.kind}, ${ain}, ${now})`;
    const [account] = await sql<{ id: string }[]>`select id from users where mobile = ${from}`;
    const lang = (await languageOfPhone(sql, from)) ?? scriptLanguage(m.text) ?? deps.config.defaultLang;

    // Every reply is an SMS the district pays for, and an auto-reply app (or another service's robot) that answers
    // our replies would trade messages with us for ever; a script could also walk the AINs' serials. So a number
    // gets SMS_INBOUND_PER_HOUR answers an hour. Past that it is told so, at most once an hour (the notice's own
    // hour starts at its first refusal), and otherwise not answered until its hour is over. The counts are the
    // database's (api/auth/throttle.ts): every instance behind the load balancer sees them, and they hold the number
    // only as a hash. A refused message counts nowhere, so a robot's flood ends with its hour.
    // The two counters are taken one after the other, each row locked to the end of the transaction: the number's,
    // then its notice's. Only this code takes them, always in this order, so two messages from one number queue on
    // the first lock and cannot deadlock; a taker of both at once would lock them in key order, the other way round.
    const perHour = { limit: deps.config.smsInboundPerHour, windowMs: HOUR_MS };
    if ((await takeAttempt({ sql, clock: deps.clock }, [{ kind: 'sms-inbound', value: from, rule: perHour }])) > 0) {
      const notice = (await takeAttempt({ sql, clock: deps.clock }, [{ kind: 'sms-inbound-notice', value: from, rule: { limit: 1, windowMs: HOUR_MS } }])) === 0;
      if (notice) await enqueueSms(sql, now, from, lang, 'too_many_messages', {}, { userId: account?.id });
      deps.log.warn('sms_inbound_throttled', { provider: m.provider, notice });
      await record(intent.kind === 'status' ? intent.ain : null);
      return 'throttled';
    }

    let ain: string | null = null;
    if (intent.kind === 'status') {
      ain = intent.ain;
      const app = await findPublicStatus(sql, intent.ain);
      if (app) {
        const reply = statusReply(app, lang);
        await enqueueSms(sql, now, from, lang, reply.event, reply.values, { userId: account?.id, applicationId: app.applicationId });
      } else {
        await enqueueSms(sql, now, from, lang, 'not_found', { ain: intent.ain }, { userId: account?.id });
      }
    } else {
      const event = intent.kind === 'help' ? 'help' : intent.kind === 'invalid_ain' ? 'invalid_ain' : 'short_help';
      await enqueueSms(sql, now, from, lang, event, {}, { userId: account?.id });
    }
    await record(ain);
    return 'answered';
  });
}

/**
 * The answer to "STATUS <AIN>" (DESIGN §12): a revocation with its date; a rejection's coded reason; a send-back's
 * remarks, cut at a word, with where to read them whole; while open, the date a decision is expected by.
 */
export function statusReply(app: PublicStatus, lang: Lang): { event: NotificationEvent; values: SlotValues } {
  const state = publicState(app);
  const date = smsDate(stateDate(app));
  if (state === 'revoked') return { event: 'status_reply_revoked', values: { certificateNo: app.certificateNo ?? '', ain: app.ain, date } };
  if (state === 'rejected') {
    const code = app.decisionCode ?? 'other';
    return { event: 'status_reply_rejected', values: { ain: app.ain, date, reason: smsReasons[code]?.[lang] ?? smsReasons.other![lang] } };
  }
  if (state === 'sent_back') return { event: 'status_reply_sent_back', values: { ain: app.ain, date, remarks: app.decisionRemarks ?? '' } };
  const office = placeName(app, lang);
  const status = translate(lang, `status.${state}` as MessageKey);
  if (isOpen(app.status)) return { event: 'status_reply_open', values: { ain: app.ain, status, office, due: smsDate(app.dueAt) } };
  return { event: 'status_reply', values: { ain: app.ain, status, office, date } };
}
