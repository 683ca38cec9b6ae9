// The channels the API sends through. The composition root picks the implementations (console, Africa's Talking,
// MSDG, SMTP, web push); the API only sees these interfaces, so it never imports sms/.
import type { Lang } from '../../i18n/index.ts';
import type { Logger } from '../log.ts';

/**
 * What a provider said about one message. `retry: false` means sending it again cannot help (an invalid number, a
 * text the gateway refuses); `retry: true` that it may work later (the gateway is down, out of credit, busy).
 * A provider that throws is treated as `retry: true`: a network error says nothing about the message.
 */
export type SendOutcome = { ok: true; providerId: string } | { ok: false; retry: boolean; error: string; gone?: boolean };

export interface SmsMessage {
  to: string; // E.164
  text: string;
  lang: Lang;
  /** The DLT template the text was rendered from. */
  templateId: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushMessage {
  title: string;
  body: string;
  url: string;
  /** Notifications with the same tag replace each other on the device: one per application. */
  tag: string;
}

// Each sender takes `log` with the message, for its own line about the send (`sms_sent`, `email_sent`,
// `push_failed`): the dispatcher's logger, or the request's when a request sends at once (login details, a recovery
// code, a counter's one-time code), so that line carries the request's id like the rest (api/log.ts). A parameter
// rather than a logger the sender keeps: a sender is made once, at start, and would write every line without one.
export interface SmsSender {
  readonly name: 'console' | 'africastalking' | 'msdg';
  send(message: SmsMessage, log: Logger): Promise<SendOutcome>;
}

export interface Mailer {
  send(message: EmailMessage, log: Logger): Promise<SendOutcome>;
}

export interface PushSender {
  readonly publicKey: string;
  /** `gone: true` in the outcome when the push service says the subscription no longer exists (404/410). */
  send(subscription: PushSubscriptionKeys, message: PushMessage, log: Logger): Promise<SendOutcome>;
}
