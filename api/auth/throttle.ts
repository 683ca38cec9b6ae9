// Failed-login counting, per account and per client address, in the database so that every process behind a load
// balancer sees the same counts. A fixed window: after `limit` failures the key is refused until the window that
// began with its first failure ends. Success clears the account's count, not the address's.
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';

export type ThrottleKey = { kind: 'account' | 'client'; value: string };

function digest(key: ThrottleKey): string {
  return key.kind + ':' + createHash('sha256').update(key.value).digest('hex');
}

function limitFor(deps: Pick<Deps, 'config'>, key: ThrottleKey): number {
  return key.kind === 'account' ? deps.config.throttle.perAccount : deps.config.throttle.perClient;
}

/** Milliseconds until the first of these keys may try again, or 0 when none is blocked. */
export async function blockedFor(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, keys: ThrottleKey[]): Promise<number> {
  const now = deps.clock.now().getTime();
  const { windowMs } = deps.config.throttle;
  const rows = await deps.sql<{ key: string; failures: number; windowStartAt: Date }[]>`
    select key, failures, window_start_at from login_failures where key in ${deps.sql(keys.map(digest))}`;
  let wait = 0;
  for (const key of keys) {
    const row = rows.find((r) => r.key === digest(key));
    if (!row || row.failures < limitFor(deps, key)) continue;
    wait = Math.max(wait, row.windowStartAt.getTime() + windowMs - now);
  }
  return Math.max(0, wait);
}

export async function recordFailure(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, keys: ThrottleKey[]): Promise<void> {
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - deps.config.throttle.windowMs);
  for (const key of keys) {
    // One statement, so two processes counting the same key at once both count.
    await deps.sql`
      insert into login_failures (key, failures, window_start_at) values (${digest(key)}, 1, ${now})
      on conflict (key) do update set
        failures = case when login_failures.window_start_at <= ${windowStart} then 1 else login_failures.failures + 1 end,
        window_start_at = case when login_failures.window_start_at <= ${windowStart} then ${now} else login_failures.window_start_at end`;
  }
}

export async function clearFailures(deps: Pick<Deps, 'sql'>, key: ThrottleKey): Promise<void> {
  await deps.sql`delete from login_failures where key = ${digest(key)}`;
}
