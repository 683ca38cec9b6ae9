// Africa's Talking bulk SMS through its own package (GATEWAYS.md). The package resolves only on HTTP 201 and
// reports each recipient's fate in `statusCode`; both are classified here into accepted, permanent and retryable.
import { createRequire } from 'node:module';
import type { SendOutcome, SmsSender } from '../../api/notify/channels.ts';
import { maskMobile } from '../../shared/mobile.ts';

// CommonJS without types; only the parts used here are described.
const require = createRequire(import.meta.url);
const AfricasTalking = require('africastalking') as (options: { username: string; apiKey: string }) => {
  SMS: { send(params: { to: string; message: string; from?: string }): Promise<AtResponse> };
};
const common = require('africastalking/lib/common.js') as { SMS_URL: string };
// The package calls the shared axios instance with no timeout, so a gateway that hangs would keep a request open
// after the dispatcher gave up and retried: a second SMS if it then answers. Its default timeout is the one place
// to bound that, below the dispatcher's own (SEND_TIMEOUT_MS, 15 s). Only this package uses axios here.
(createRequire(require.resolve('africastalking'))('axios') as { defaults: { timeout: number } }).defaults.timeout = 10_000;

interface AtResponse {
  SMSMessageData?: { Message?: string; Recipients?: { statusCode: number; number: string; status: string; messageId: string }[] };
}

const accepted = new Set([100, 101, 102]);
const retryable = new Set([500, 501]);

export interface AfricasTalkingOptions {
  username: string;
  apiKey: string;
  senderId?: string;
  /** Replaces the messaging URL (a local server in tests). The package has no option for it, only this export. */
  smsUrl?: string;
}

export function createAfricasTalkingSms(options: AfricasTalkingOptions): SmsSender {
  // Username "sandbox" switches the package's URLs to the sandbox for the whole process.
  const client = AfricasTalking({ username: options.username, apiKey: options.apiKey });
  if (options.smsUrl) common.SMS_URL = options.smsUrl;
  return {
    name: 'africastalking',
    async send(m, log): Promise<SendOutcome> {
      let answer: AtResponse;
      try {
        answer = await client.SMS.send({ to: m.to, message: m.text, ...(options.senderId ? { from: options.senderId } : {}) });
      } catch (err) {
        return classifyError(err);
      }
      const recipient = answer.SMSMessageData?.Recipients?.[0];
      if (!recipient) return { ok: false, retry: true, error: `no recipient in answer: ${answer.SMSMessageData?.Message ?? 'empty'}` };
      if (accepted.has(recipient.statusCode)) {
        log.info('sms_sent', { provider: 'africastalking', to: maskMobile(m.to), id: recipient.messageId });
        return { ok: true, providerId: recipient.messageId };
      }
      return { ok: false, retry: retryable.has(recipient.statusCode), error: `${recipient.statusCode} ${recipient.status}` };
    }
  };
}

/** The package rejects with its own validation Error, an axios error with a response, or a network error. */
function classifyError(err: unknown): SendOutcome {
  const e = err as { response?: { status?: number; data?: unknown }; message?: string; code?: string };
  const status = e?.response?.status;
  if (status !== undefined) {
    const body = typeof e.response?.data === 'string' ? e.response.data : JSON.stringify(e.response?.data ?? '');
    // 5xx and 429 pass; 401 (a wrong key) and other 4xx do not fix themselves, and an administrator can send again.
    return { ok: false, retry: status >= 500 || status === 429, error: `HTTP ${status} ${body.slice(0, 200)}` };
  }
  if (e?.code) return { ok: false, retry: true, error: `${e.code} ${e.message ?? ''}`.trim() };
  if (err instanceof Error && /^"to" |valid phone number|is required/.test(err.message)) return { ok: false, retry: false, error: err.message };
  return { ok: false, retry: true, error: err instanceof Error ? err.message : String(err) };
}
