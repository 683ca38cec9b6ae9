// The outbox (DESIGN §8): messages are rows written in the same transaction as the change that causes them, so a
// status change and its SMS either both happen or neither does. The dispatcher sends them afterwards.
//
// Claiming works by lease, not by holding row locks while sending: a short transaction marks due rows as leased
// (FOR UPDATE SKIP LOCKED, so two dispatchers never take the same row), then the sends happen outside any
// transaction. That also keeps the embedded database, which has one connection, free while a gateway is slow.
// A lease outlives the slowest possible batch (every send has a timeout), so no row is sent twice by two
// processes; a provider that accepted a message but whose answer was lost is the one way to a duplicate.
import type { Lang } from '../../i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import type { Deps } from '../deps.ts';
import type { Channel } from './notify.ts';
import type { SendOutcome } from './channels.ts';
import type { Metrics } from '../metrics/metrics.ts';

type DispatchDeps = Pick<Deps, 'sql' | 'clock' | 'sms' | 'mail' | 'push' | 'log' | 'config'>;

/** Every provider call gives up after this long, so a lease of LEASE_MS covers a whole batch. */
export const SEND_TIMEOUT_MS = 15_000;
const BATCH = 50;
const PARALLEL = 10;
/** A batch at its slowest: every round of parallel sends taking the whole timeout. */
export const SLOWEST_BATCH_MS = Math.ceil(BATCH / PARALLEL) * SEND_TIMEOUT_MS;
/**
 * The default lease: a whole batch at its slowest, twice. OUTBOX_LEASE_SECONDS may shorten it, in production to no
 * less than the slowest batch and a margin (api/config.ts); tests that kill a process go shorter.
 */
export const LEASE_MS = SLOWEST_BATCH_MS * 2;

const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 3_600_000;

/**
 * Exponential backoff with jitter: 30 s, 1 min, 2 min … capped at an hour, each drawn between half and all of that,
 * so a gateway that comes back is not hit by every waiting message in the same second.
 */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const ceiling = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface Claimed {
  id: string;
  channel: Channel;
  recipient: string;
  lang: Lang;
  subject: string | null;
  body: string;
  html: string | null;
  link: string | null;
  templateId: string | null;
  applicationId: string | null;
  userId: string | null;
  attempts: number;
}

/** Sends what is due, up to `limit` messages; returns how many a provider accepted. */
export async function dispatchDue(deps: DispatchDeps, limit = BATCH): Promise<number> {
  return (await dispatchBatch(deps, limit)).accepted;
}

/** The batch a dispatcher is working through: `next` is the first message not yet handed to a sender. */
interface Batch {
  claimed: Claimed[];
  next: number;
}

async function dispatchBatch(deps: DispatchDeps, limit = BATCH, onClaimed?: (batch: Batch) => void): Promise<{ claimed: number; accepted: number }> {
  const now = deps.clock.now();
  const claimed = await deps.sql<Claimed[]>`
    update outbox set leased_until = ${new Date(now.getTime() + (deps.config.outboxLeaseMs ?? LEASE_MS))}, attempts = attempts + 1
    where id in (
      select id from outbox o
      where status = 'pending' and next_attempt_at <= ${now} and (leased_until is null or leased_until < ${now})
        -- One at a time per recipient and application, oldest first: a later status must never reach a phone
        -- before an earlier one (a batch sent in parallel once delivered "revoked" before "collected"). A message
        -- waiting for its retry holds back those written after it about the same application to the same address
        -- (an SMS reply to "STATUS <AIN>" included); other applications' messages (a DM's many escalations) still go
        -- out in parallel. Messages about no application (digests, help texts) need no order among themselves, so
        -- they hold nothing back: when one matched the others by their null, an officer's digest waiting up to an
        -- hour for its retry held back every later digest to the same number.
        and not exists (
          select 1 from outbox e
          where e.status = 'pending' and e.channel = o.channel and e.recipient = o.recipient
            and e.application_id = o.application_id and e.id < o.id)
      order by next_attempt_at
      limit ${limit}
      for update skip locked)
    returning id::text, channel, recipient, lang, subject, body, html, link, template_id, application_id::text, user_id, attempts`;
  let accepted = 0;
  const batch: Batch = { claimed, next: 0 };
  onClaimed?.(batch);
  const worker = async () => {
    while (batch.next < claimed.length) {
      const m = claimed[batch.next++]!;
      if (await sendOne(deps, m)) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, claimed.length) }, worker));
  return { claimed: claimed.length, accepted };
}

async function sendOne(deps: DispatchDeps, m: Claimed): Promise<boolean> {
  let outcome: SendOutcome;
  try {
    outcome = await withTimeout(deliver(deps, m), SEND_TIMEOUT_MS);
  } catch (err) {
    outcome = { ok: false, retry: true, error: err instanceof Error ? err.message : String(err) };
  }
  const now = deps.clock.now();
  if (outcome.ok) {
    await deps.sql`
      update outbox set status = 'sent', provider_id = ${outcome.providerId}, sent_at = ${now}, leased_until = null, last_error = null
      where id = ${m.id}`;
    return true;
  }
  if (outcome.gone) {
    // The browser unsubscribed or was reset, or the device now belongs to someone else: forget the device (if it is
    // still this user's), and cancel the message.
    await deps.sql.begin(async (sql) => {
      await sql`delete from push_subscriptions where id = ${m.recipient} and user_id = ${m.userId}`;
      await sql`update outbox set status = 'cancelled', leased_until = null, last_error = ${outcome.error.slice(0, 500)} where id = ${m.id}`;
    });
    return false;
  }
  await fail(deps.sql, m.id, m.attempts, outcome.retry, outcome.error, now, deps.config.outboxMaxAttempts);
  deps.log.warn('outbox_send_failed', { id: m.id, channel: m.channel, attempts: m.attempts, retry: outcome.retry });
  return false;
}

/** A failure, from the provider's answer or a delivery report: try again later, or give up (dead letter). */
async function fail(sql: Queryable, id: string, attempts: number, retry: boolean, error: string, now: Date, maxAttempts: number) {
  const dead = !retry || attempts >= maxAttempts;
  await sql`
    update outbox set status = ${dead ? 'dead' : 'pending'}, leased_until = null, last_error = ${error.slice(0, 500)},
                      next_attempt_at = ${new Date(now.getTime() + (dead ? 0 : retryDelayMs(attempts)))}
    where id = ${id}`;
}

async function deliver(deps: DispatchDeps, m: Claimed): Promise<SendOutcome> {
  switch (m.channel) {
    case 'sms':
      return deps.sms.send({ to: m.recipient, text: m.body, lang: m.lang, templateId: m.templateId ?? '' }, deps.log);
    case 'email':
      return deps.mail.send({ to: m.recipient, subject: m.subject ?? '', text: m.body, html: m.html ?? undefined }, deps.log);
    case 'push': {
      // Only to the device while it is still this user's: someone else logging in on a shared phone takes the
      // subscription over, and must not see the previous user's news.
      const [device] = await deps.sql<{ endpoint: string; p256dh: string; auth: string }[]>`
        select endpoint, p256dh, auth from push_subscriptions where id = ${m.recipient} and user_id = ${m.userId}`;
      if (!device) return { ok: false, retry: false, gone: true, error: 'subscription removed or moved to another user' };
      const link = m.link ?? deps.config.origin;
      // A later message about an application replaces the earlier one on the phone; a digest (no application) stands alone.
      return deps.push.send(device, { title: m.subject ?? '', body: m.body, url: link, tag: m.applicationId ? `application-${m.applicationId}` : `message-${m.id}` }, deps.log);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    })
  ]);
}

// Africa's Talking delivery report statuses (GATEWAYS.md). Interim ones are recorded and change nothing else.
const interim = new Set(['Sent', 'Submitted', 'Buffered']);
const finalFailure = new Set(['Failed', 'Rejected', 'AbsentSubscriber', 'Expired']);
// Reasons a later attempt may overcome: the phone was off or out of range, the network failed, our credit ran out.
const retryableReasons = new Set(['DeliveryFailure', 'InsufficientCredit', 'AbsentSubscriber', 'Expired', 'UserIsInactive']);

export interface DeliveryReport {
  providerId: string;
  status: string;
  failureReason?: string;
}

/** Applies a delivery report to the message it is about; returns false when no message has that provider id. */
export async function applyDeliveryReport(deps: { sql: Queryable } & Pick<Deps, 'clock' | 'config'>, r: DeliveryReport): Promise<boolean> {
  const now = deps.clock.now();
  const [m] = await deps.sql<{ id: string; status: string; attempts: number }[]>`
    select id::text, status, attempts from outbox where provider_id = ${r.providerId} and channel = 'sms' order by id desc limit 1`;
  if (!m) return false;
  if (m.status !== 'sent') return true; // already final, or sent again since: a late report changes nothing
  if (r.status === 'Success') {
    await deps.sql`update outbox set status = 'delivered', delivery_status = ${r.status}, delivered_at = ${now} where id = ${m.id} and status = 'sent'`;
  } else if (interim.has(r.status)) {
    await deps.sql`update outbox set delivery_status = ${r.status} where id = ${m.id} and status = 'sent'`;
  } else if (finalFailure.has(r.status)) {
    const reason = r.failureReason ?? r.status;
    const retry = r.status !== 'Rejected' && (retryableReasons.has(reason) || retryableReasons.has(r.status) || !r.failureReason);
    await deps.sql`update outbox set delivery_status = ${r.status} where id = ${m.id}`;
    await fail(deps.sql, m.id, m.attempts, retry, `delivery report: ${r.status}${r.failureReason ? ` (${r.failureReason})` : ''}`, now, deps.config.outboxMaxAttempts);
  } else {
    await deps.sql`update outbox set delivery_status = ${r.status.slice(0, 40)} where id = ${m.id}`;
  }
  return true;
}

export interface TroubledMessage {
  id: string;
  channel: Channel;
  recipient: string;
  event: string;
  status: 'pending' | 'dead';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  ain: string | null;
}

/** Dead letters and messages that failed at least once and wait for another try, newest first. */
export async function listTroubledMessages(sql: Deps['sql'], limit = 200): Promise<TroubledMessage[]> {
  return sql<TroubledMessage[]>`
    select o.id::text, o.channel, o.recipient, o.template as event, o.status, o.attempts, o.last_error,
           o.next_attempt_at, o.created_at, a.ain
    from outbox o left join applications a on a.id = o.application_id
    where o.status = 'dead' or (o.status = 'pending' and o.last_error is not null)
    order by o.created_at desc
    limit ${limit}`;
}

/** An administrator sends a dead or failing message again, now, with a fresh count of attempts. */
export async function retryMessage(deps: Pick<Deps, 'sql' | 'clock'>, id: string): Promise<boolean> {
  const rows = await deps.sql`
    update outbox set status = 'pending', attempts = 0, next_attempt_at = ${deps.clock.now()}, leased_until = null
    where id = ${id} and (status = 'dead' or (status = 'pending' and last_error is not null))
      and (leased_until is null or leased_until < ${deps.clock.now()})`; // never while a dispatcher is sending it
  return rows.count === 1;
}

/**
 * Polls the outbox every `intervalMs` until stopped, and drains a backlog batch after batch without waiting. Safe
 * to run in every process (see above).
 */
export function startDispatcher(deps: DispatchDeps, intervalMs = 1000, metrics?: Pick<Metrics, 'workerRuns'>): { stop(): Promise<void>; release(): Promise<number> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  let current: Batch | null = null;
  const drain = async () => {
    try {
      while (!stopped && (await dispatchBatch(deps, BATCH, (b) => (current = b))).claimed === BATCH);
      metrics?.workerRuns.inc({ worker: 'dispatcher', outcome: 'ok' });
    } catch (err) {
      metrics?.workerRuns.inc({ worker: 'dispatcher', outcome: 'failed' });
      deps.log.error('dispatcher_failed', { error: String(err) });
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    if (!running && !stopped) running = drain();
  }, intervalMs);
  /**
   * Stops taking messages and hands back at once those claimed but not yet being sent, so another process sends
   * them now instead of after the lease (issue 15 item 4). Messages already with a provider keep their lease: if
   * the send outlives the shutdown, the provider may have accepted it, and sending it again would be a duplicate.
   */
  const release = async (): Promise<number> => {
    stopped = true;
    clearInterval(timer);
    const batch = current;
    if (!batch || batch.next >= batch.claimed.length) return 0;
    const ids = batch.claimed.slice(batch.next).map((m) => m.id);
    batch.next = batch.claimed.length;
    await deps.sql`update outbox set leased_until = null, attempts = attempts - 1 where id in ${deps.sql(ids)} and status = 'pending'`;
    deps.log.info('outbox_leases_released', { count: ids.length });
    return ids.length;
  };
  return {
    release,
    async stop() {
      await release().catch((err: unknown) => deps.log.error('outbox_release_failed', { error: String(err) }));
      await running;
    }
  };
}
