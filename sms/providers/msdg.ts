// MSDG, the Government of India's Mobile Seva gateway (GATEWAYS.md): a form post whose password is sent as its
// SHA-1 and whose body is signed with SHA-512 over username + sender id + content + secure key. Bengali and Hindi
// go as `unicodemsg` with every UTF-16 code unit written `&#NNNN;`, and the key is computed over that converted
// text. Answers are plain text: "402,MsgID = …" when accepted, "ERROR : 4xx …" when not.
import { createHash } from 'node:crypto';
import type { SendOutcome, SmsSender } from '../../api/notify/channels.ts';
import { maskMobile } from '../../shared/mobile.ts';

export const MSDG_URL = 'https://msdgweb.mgov.gov.in/esms/sendsmsrequestDLT';

export interface MsdgOptions {
  url?: string;
  username: string;
  password: string;
  senderId: string;
  secureKey: string;
  /** The principal entity id registered on DLT (12–19 digits). */
  entityId: string;
  timeoutMs?: number;
}

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex');

/** "আ" → "&#2438;" — every UTF-16 code unit as a decimal entity, the form MSDG expects for unicodemsg. */
export function toEntities(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += `&#${text.charCodeAt(i)};`;
  return out;
}

export function msdgKey(username: string, senderId: string, content: string, secureKey: string): string {
  return sha512(username.trim() + senderId.trim() + content.trim() + secureKey.trim());
}

// 409 is an SMSC timeout after which the message still goes. 403 (no credit), 404/405 (their side) and 418 (daily
// limit) pass with time; the rest are about our request or the number and would fail again.
const retryable = new Set([403, 404, 405, 418]);

export function classifyMsdgAnswer(status: number, body: string): SendOutcome {
  const text = body.trim();
  const ok = /^(\d{3})\s*,\s*MsgID\s*=\s*(\S+)/i.exec(text);
  if (status === 200 && ok) return { ok: true, providerId: ok[2]! };
  const error = /ERROR\s*:?\s*(\d{3})/i.exec(text);
  if (error) {
    const code = Number(error[1]);
    if (code === 409) return { ok: true, providerId: 'msdg-409-no-id' }; // accepted late; MSDG gives no id then
    return { ok: false, retry: retryable.has(code), error: text.slice(0, 200) };
  }
  return { ok: false, retry: true, error: `HTTP ${status} ${text.slice(0, 200)}` };
}

export function createMsdgSms(options: MsdgOptions): SmsSender {
  const url = options.url ?? MSDG_URL;
  return {
    name: 'msdg',
    async send(m, log): Promise<SendOutcome> {
      const unicode = /[^\x00-\x7f]/.test(m.text);
      const content = unicode ? toEntities(m.text) : m.text;
      const mobile = m.to.replace(/^\+91/, '');
      const form = new URLSearchParams({
        username: options.username.trim(),
        password: sha1(options.password.trim()),
        senderid: options.senderId.trim(),
        content: content.trim(),
        smsservicetype: unicode ? 'unicodemsg' : 'singlemsg',
        [unicode ? 'bulkmobno' : 'mobileno']: mobile,
        key: msdgKey(options.username, options.senderId, content, options.secureKey),
        templateid: m.templateId,
        entityid: options.entityId
      });
      const res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      const outcome = classifyMsdgAnswer(res.status, await res.text());
      if (outcome.ok) log.info('sms_sent', { provider: 'msdg', to: maskMobile(m.to), id: outcome.providerId });
      return outcome;
    }
  };
}
