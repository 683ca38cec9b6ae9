// The outbox (DESIGN §8): messages are rows written in the same transaction as the change that causes them, so a
// status change and its SMS either both happen or neither does. The dispatcher sends them afterwards.
//
// Claiming works by lease, not by holding row locks while sending: a short transaction marks due rows as leased
// (FOR UPDATE SKIP LOCKED, so two dispatchers never take the same row), then the sends happen outside any
// transaction. That also keeps the embedded database, which has one connection, free while a gateway is slow.
import type { Lang } from '../../i18n/index.ts';
import type { Deps } from '../deps.ts';
import type { Queryable } from '../db/connect.ts';

export interface OutgoingMessage {
  channel: 'sms' | 'email';
  recipient: string;
  template: string;
  subject?: string;
  body: string;
  lang: Lang;
  applicationId?: string;
}

export async function enqueue(sql: Queryable, at: Date, messages: OutgoingMessage[]): Promise<void> {
  for (const m of messages) {
    await sql`
      insert into outbox (channel, recipient, lang, template, subject, body, application_id, next_attempt_at, created_at)
      values (${m.channel}, ${m.recipient}, ${m.lang}, ${m.template}, ${m.subject ?? null}, ${m.body}, ${m.applicationId ?? null}, ${at}, ${at})`;
  }
}

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;

/** Sends what is due, up to `limit` messages; returns how many were sent. Retries and dead letters: issue 5. */
export async function dispatchDue(deps: Pick<Deps, 'sql' | 'clock' | 'sms' | 'mail' | 'log'>, limit = 50): Promise<number> {
  const now = deps.clock.now();
  const claimed = await deps.sql<{ id: string; channel: 'sms' | 'email'; recipient: string; lang: Lang; subject: string | null; body: string; attempts: number }[]>`
    update outbox set leased_until = ${new Date(now.getTime() + LEASE_MS)}, attempts = attempts + 1
    where id in (
      select id from outbox
      where status = 'pending' and next_attempt_at <= ${now} and (leased_until is null or leased_until < ${now})
      order by next_attempt_at
      limit ${limit}
      for update skip locked)
    returning id::text, channel, recipient, lang, subject, body, attempts`;
  let sent = 0;
  for (const m of claimed) {
    try {
      const { providerId } =
        m.channel === 'sms'
          ? await deps.sms.send({ to: m.recipient, text: m.body, lang: m.lang })
          : await deps.mail.send({ to: m.recipient, subject: m.subject ?? '', text: m.body });
      await deps.sql`update outbox set status = 'sent', provider_id = ${providerId}, sent_at = ${deps.clock.now()}, leased_until = null where id = ${m.id}`;
      sent += 1;
    } catch (err) {
      const dead = m.attempts >= MAX_ATTEMPTS;
      const retryAt = new Date(deps.clock.now().getTime() + Math.min(2 ** m.attempts, 3600) * 1000);
      await deps.sql`
        update outbox set status = ${dead ? 'dead' : 'pending'}, next_attempt_at = ${retryAt}, leased_until = null,
                          last_error = ${String(err).slice(0, 500)}
        where id = ${m.id}`;
      deps.log.warn('outbox_send_failed', { id: m.id, channel: m.channel, attempts: m.attempts, dead });
    }
  }
  return sent;
}

/** Polls the outbox every `intervalMs` until stopped. Safe to run in every process (see above). */
export function startDispatcher(deps: Pick<Deps, 'sql' | 'clock' | 'sms' | 'mail' | 'log'>, intervalMs = 1000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() => (stopped ? 0 : dispatchDue(deps))).catch((err: unknown) => deps.log.error('dispatcher_failed', { error: String(err) }));
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    }
  };
}
