// Attempts counted and decided before the work they guard (a password check, a registration's SMS), in the
// database so every process behind a load balancer sees the same counts (DESIGN §11). An attempt is taken under the
// lock of its counters' rows, so parallel requests are decided one after another: of 200 sent at once on a limit of
// 5, exactly 5 go on. A refused attempt counts nowhere, so hammering a closed door does not keep it closed longer.
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';

export interface Limit {
  /** Attempts allowed within the window. */
  limit: number;
  windowMs: number;
  /**
   * Past `limit`, instead of refusing until the window ends, each further attempt must wait this long after the
   * previous one, doubling each time, up to `maxMs`: slows a guesser to a crawl without shutting out the owner.
   */
  delay?: { baseMs: number; maxMs: number };
}

export interface Counter {
  /** What is counted, e.g. "login-account"; with the value it makes the key. */
  kind: string;
  value: string;
  rule: Limit;
}

type Deps_ = Pick<Deps, 'sql' | 'clock'>;

function keyOf(c: Pick<Counter, 'kind' | 'value'>): string {
  return c.kind + ':' + createHash('sha256').update(c.value).digest('hex');
}

/**
 * Takes one attempt on every counter, or on none: the milliseconds to wait when any of them refuses, else 0 and
 * every counter has counted it.
 */
export async function takeAttempt(deps: Deps_, counters: Counter[]): Promise<number> {
  const now = deps.clock.now();
  const byKey = new Map(counters.map((c) => [keyOf(c), c]));
  const keys = [...byKey.keys()].sort(); // rows locked in one order everywhere, so two takers never deadlock
  // Rows that do not exist yet are made first, in their own statement, so the decision below always has a row to lock.
  await deps.sql`
    insert into attempt_counters (key, attempts, window_start_at, last_attempt_at)
    select k, 0, ${now}, ${now} from unnest(${keys}::text[]) as k order by k
    on conflict (key) do nothing`;
  return deps.sql.begin(async (sql) => {
    const rows = await sql<{ key: string; attempts: number; windowStartAt: Date; lastAttemptAt: Date }[]>`
      select key, attempts, window_start_at, last_attempt_at from attempt_counters
      where key in ${sql(keys)} order by key for update`;
    let wait = 0;
    const next: { key: string; attempts: number; windowStartAt: Date }[] = [];
    for (const row of rows) {
      const { rule } = byKey.get(row.key)!;
      const expired = now.getTime() - row.windowStartAt.getTime() >= rule.windowMs;
      const attempts = expired ? 0 : row.attempts;
      if (attempts >= rule.limit) {
        if (rule.delay) {
          const due = row.lastAttemptAt.getTime() + Math.min(rule.delay.baseMs * 2 ** (attempts - rule.limit), rule.delay.maxMs);
          wait = Math.max(wait, due - now.getTime());
        } else {
          wait = Math.max(wait, row.windowStartAt.getTime() + rule.windowMs - now.getTime());
        }
      }
      next.push({ key: row.key, attempts: attempts + 1, windowStartAt: expired ? now : row.windowStartAt });
    }
    if (wait > 0) return wait;
    for (const n of next) {
      await sql`
        update attempt_counters set attempts = ${n.attempts}, window_start_at = ${n.windowStartAt}, last_attempt_at = ${now}
        where key = ${n.key}`;
    }
    return 0;
  });
}

/** Gives an attempt back (a login that succeeded): `forget` counters are cleared, `refund` ones count one less. */
export async function returnAttempt(deps: Pick<Deps, 'sql'>, counters: { forget?: Pick<Counter, 'kind' | 'value'>[]; refund?: Pick<Counter, 'kind' | 'value'>[] }): Promise<void> {
  const forget = (counters.forget ?? []).map(keyOf);
  const refund = (counters.refund ?? []).map(keyOf);
  if (forget.length) await deps.sql`delete from attempt_counters where key in ${deps.sql(forget)}`;
  if (refund.length) await deps.sql`update attempt_counters set attempts = greatest(attempts - 1, 0) where key in ${deps.sql(refund)}`;
}
