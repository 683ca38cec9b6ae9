// Attempts counted and decided before the work they guard (a password check, a registration's SMS), in the
// database so every process behind a load balancer sees the same counts (DESIGN §11). An attempt is taken under the
// lock of its counters' rows, so parallel requests are decided one after another: of 200 sent at once on a limit of
// 5, exactly 5 go on. A refused attempt counts nowhere, so hammering a closed door does not keep it closed longer.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/connect.ts';
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

// A transaction's sql too: an inbound SMS counts its sender inside the transaction that records it (sms/inbound.ts).
type Deps_ = Pick<Deps, 'clock'> & { sql: Queryable };

function keyOf(c: Pick<Counter, 'kind' | 'value'>): string {
  return c.kind + ':' + createHash('sha256').update(c.value).digest('hex');
}

/**
 * Takes one attempt on every counter, or on none: the milliseconds to wait when any of them refuses, else 0 and
 * every counter has counted it.
 */
export async function takeAttempt(deps: Deps_, counters: Counter[]): Promise<number> {
  const now = deps.clock.now();
  const byKey = new Map(counters.map((c) => [keyOf(c), c.rule]));
  const keys = [...byKey.keys()].sort(); // the inserts below go in this order; the locks, in the statement's `order by`
  const rules = keys.map((k) => byKey.get(k)!);
  // The decision needs a row to lock for every counter. Most attempts find them all (a citizen's second upload, a
  // mistyped password's second try), so the decision is tried first, and only when it found fewer rows than counters
  // (it then counts nothing) are the missing ones made, in their own statement, and the decision taken again: one
  // round trip to the database for an upload rather than two, which on a busy server is CPU (test/bench/submit.ts).
  // An attempt whose counters are new takes three instead of two: a first upload, a registration (each a new mobile
  // number), a login after a successful one (which forgot its counters).
  // A row can still go in between (a login that succeeded forgets its counters; the retention job deletes idle
  // ones): the decision again counts nothing and both run again, so no attempt goes through uncounted.
  for (let missing = false; ; missing = true) {
    if (missing) {
      await deps.sql`
        insert into attempt_counters (key, attempts, window_start_at, last_attempt_at)
        select k, 0, ${now}, ${now} from unnest(${keys}::text[]) as k order by k
        on conflict (key) do nothing`;
    }
    const decision = await decide(deps, keys, rules, now);
    if (decision.found === keys.length) return decision.waitMs;
  }
}

async function decide(deps: Deps_, keys: string[], rules: Limit[], now: Date): Promise<{ waitMs: number; found: number }> {
  // Count and decide in one statement (DESIGN §11): the counters' rows are locked in key order, so two takers never
  // deadlock, and a parallel taker waits and then reads what this one wrote; every counter is counted only if none
  // refuses and every row was there. No transaction of our own: an upload, which takes an attempt each, spends one
  // statement here, not four.
  const [decision] = await deps.sql<[{ waitMs: number; found: number }]>`
    with rule as (
      select * from unnest(${keys}::text[], ${rules.map((r) => r.limit)}::int[], ${rules.map((r) => r.windowMs)}::float8[],
        ${rules.map((r) => r.delay?.baseMs ?? null)}::float8[], ${rules.map((r) => r.delay?.maxMs ?? null)}::float8[])
        as r(key, lim, window_ms, base_ms, max_ms)
    ), counter as (
      select c.key, c.attempts, c.window_start_at, c.last_attempt_at, rule.lim, rule.window_ms, rule.base_ms, rule.max_ms,
        extract(epoch from ${now}::timestamptz - c.window_start_at) * 1000 >= rule.window_ms as expired
      from attempt_counters c join rule using (key)
      order by c.key
      for update of c
    ), verdict as (
      select key, expired, taken,
        case
          when taken < lim then 0
          when base_ms is not null
            then extract(epoch from last_attempt_at - ${now}::timestamptz) * 1000 + least(base_ms * 2 ^ least(taken - lim, 60), max_ms)
          else extract(epoch from window_start_at - ${now}::timestamptz) * 1000 + window_ms
        end as wait_ms
      from (select *, case when expired then 0 else attempts end as taken from counter) as current
    ), counted as (
      update attempt_counters c
      set attempts = v.taken + 1,
        window_start_at = case when v.expired then ${now}::timestamptz else c.window_start_at end,
        last_attempt_at = ${now}
      from verdict v
      where c.key = v.key and not exists (select from verdict where wait_ms > 0) and (select count(*) from verdict) = ${keys.length}
    )
    select greatest(ceil(coalesce(max(wait_ms), 0)), 0)::int as "waitMs", count(*)::int as found from verdict`;
  return decision;
}

/** Gives an attempt back (a login that succeeded): `forget` counters are cleared, `refund` ones count one less. */
export async function returnAttempt(deps: Pick<Deps, 'sql'>, counters: { forget?: Pick<Counter, 'kind' | 'value'>[]; refund?: Pick<Counter, 'kind' | 'value'>[] }): Promise<void> {
  const forget = (counters.forget ?? []).map(keyOf);
  const refund = (counters.refund ?? []).map(keyOf);
  if (forget.length) await deps.sql`delete from attempt_counters where key in ${deps.sql(forget)}`;
  if (refund.length) await deps.sql`update attempt_counters set attempts = greatest(attempts - 1, 0) where key in ${deps.sql(refund)}`;
}
