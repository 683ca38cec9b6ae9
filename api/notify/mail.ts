// Email over SMTP with nodemailer (SMTP_URL, e.g. smtps://user:pass@smtp.example.org:465). Plain text and HTML in
// one message, so any mail app shows it. SMTP replies 5xx for what will never work (no such mailbox) and 4xx for
// what may work later (mailbox busy, greylisting); a connection that fails says nothing about the message.
import nodemailer from 'nodemailer';
import type { Mailer, SendOutcome } from './channels.ts';

export function createSmtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 }, { from });
  return {
    async send(m, log): Promise<SendOutcome> {
      try {
        const info = await transport.sendMail({ to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
        log.info('email_sent', { id: info.messageId });
        return { ok: true, providerId: info.messageId };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message?: string };
        const code = e.responseCode;
        return { ok: false, retry: code === undefined || code < 500, error: `${code ?? e.code ?? ''} ${e.message ?? String(err)}`.trim() };
      }
    },
    close: () => transport.close()
  };
}
