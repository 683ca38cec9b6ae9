// The console providers' record of what they "sent", shown by GET /api/dev/outbox and the dev inbox page.
import type { Sql } from '../db/connect.ts';
import type { EmailMessage, Mailer } from '../notify/channels.ts';

export interface DevMessage {
  id: string;
  channel: 'sms' | 'email' | 'push';
  recipient: string;
  subject: string | null;
  body: string;
  createdAt: Date;
}

export async function recordDevMessage(
  sql: Sql,
  m: { channel: DevMessage['channel']; recipient: string; subject?: string; body: string }
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into dev_messages (channel, recipient, subject, body)
    values (${m.channel}, ${m.recipient}, ${m.subject ?? null}, ${m.body})
    returning id::text`;
  return `console-${m.channel}-${row!.id}`;
}

export async function listDevMessages(sql: Sql, limit = 200): Promise<DevMessage[]> {
  return sql<DevMessage[]>`
    select id::text, channel, recipient, subject, body, created_at as "createdAt"
    from dev_messages
    order by id desc
    limit ${limit}`;
}

/** Email that goes nowhere: recorded for the dev inbox outside production, dropped with a warning in it. */
export function createConsoleMailer(sql: Sql, record: boolean): Mailer {
  return {
    async send(m: EmailMessage) {
      if (!record) return { ok: true, providerId: 'console-dropped' };
      return { ok: true, providerId: await recordDevMessage(sql, { channel: 'email', recipient: m.to, subject: m.subject, body: m.text }) };
    }
  };
}
