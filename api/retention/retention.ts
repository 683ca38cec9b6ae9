// Retention (DESIGN §7, §15): rows kept only for a while. Gateway callback keys exist to answer a repeated
// callback once, and gateways stop repeating within hours; inbound status questions are kept for the replies'
// audit for a period; a session past its idle or absolute limit can never be used again; an attempt counter whose
// window has passed counts as zero (api/auth/throttle.ts), so without a purge every account name, address and mobile
// a guesser ever tried would stay a row. Periods in configuration (RETENTION_*_DAYS). Each purge is one statement
// per table, safe in every instance at once.
import type { Deps } from '../deps.ts';

export interface Purged {
  gatewayCallbacks: number;
  smsInbound: number;
  sessions: number;
  attemptCounters: number;
}

export async function purgeExpired(deps: Pick<Deps, 'sql' | 'clock' | 'config'>): Promise<Purged> {
  const now = deps.clock.now().getTime();
  const before = (n: number) => new Date(now - n * 86_400_000);
  const r = deps.config.retention;
  const callbacks = await deps.sql`delete from gateway_callbacks where received_at < ${before(r.gatewayCallbackDays)}`;
  const inbound = await deps.sql`delete from sms_inbound where received_at < ${before(r.smsInboundDays)}`;
  // A session ends at its idle limit after the last activity or its absolute limit after login, whichever first.
  const sessions = await deps.sql`
    delete from sessions
    where least(last_active_at + ${deps.config.session.idleMs / 1000} * interval '1 second',
                created_at + ${deps.config.session.maxMs / 1000} * interval '1 second') < ${before(r.expiredSessionDays)}`;
  // Every window ends within RETENTION_ATTEMPT_COUNTER_DAYS of its counter's last attempt (the configuration checks);
  // an attempt that finds its counter gone in the middle makes it again (api/auth/throttle.ts).
  const counters = await deps.sql`delete from attempt_counters where last_attempt_at < ${before(r.attemptCounterDays)}`;
  return { gatewayCallbacks: callbacks.count, smsInbound: inbound.count, sessions: sessions.count, attemptCounters: counters.count };
}

/** Purges every `intervalMs` until stopped. */
export function startRetention(deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'log'>, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= purgeExpired(deps)
      .then((p) => Object.values(p).some(Boolean) && deps.log.info('retention_purged', { ...p }))
      .catch((err: unknown) => deps.log.error('retention_failed', { error: String(err) }))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    }
  };
}
