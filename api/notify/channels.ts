// The channels the API sends through. The composition root picks the implementations (console, Africa's Talking,
// MSDG, SMTP); the API only sees these interfaces, so it never imports sms/.
import type { Lang } from '../../i18n/index.ts';

export interface SmsMessage {
  to: string; // E.164
  text: string;
  lang: Lang;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<{ providerId: string }>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ providerId: string }>;
}
