// A fixed-window request limit per key, in this process's memory. For public read endpoints that must stay fast
// (tracking is benchmarked against pgbench): a database write per request would cost more than the lookup itself.
// With N processes a client gets at most N times the limit, which is still a limit.
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock, Deps } from '../deps.ts';
import type { ApiEnv } from './env.ts';
import { ApiError } from './errors.ts';
import { clientNetwork, detached } from './middleware.ts';

export function createRateLimiter(opts: { limit: number; windowMs: number; clock: Clock }) {
  const windows = new Map<string, { start: number; count: number }>();
  let nextSweepAt = 0;
  return {
    /** Counts a request; returns how long to wait (ms) when over the limit, else 0. */
    hit(key: string): number {
      const now = opts.clock.now().getTime();
      // Windows that have ended are forgotten when there are many, at most once a window: with more than 100,000
      // clients in one window (a busy state, or one attacker's many addresses) every window is still live, and a
      // sweep on every request read all of them each time.
      if (windows.size > 100_000 && now >= nextSweepAt) {
        nextSweepAt = now + opts.windowMs;
        for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      }
      const w = windows.get(key);
      if (!w) {
        // Its own copy: a key cut from a request header would otherwise keep the whole header (middleware.ts).
        windows.set(detached(key), { start: now, count: 1 });
        return 0;
      }
      if (now - w.start >= opts.windowMs) {
        w.start = now;
        w.count = 1;
        return 0;
      }
      w.count += 1;
      return w.count > opts.limit ? w.start + opts.windowMs - now : 0;
    },
    /** Clients with a window in memory. */
    get size(): number {
      return windows.size;
    }
  };
}

/**
 * For a public lookup by a number printed on paper (tracking, verification): TRACK_REQUESTS_PER_MINUTE per client
 * address, then 429 with Retry-After. Each route gets its own window, so tracking cannot starve verification.
 * As a check the handler calls first: on the busiest route a middleware layer of its own costs an async dispatch and
 * its promises (api/app.ts).
 */
export function perClientCheck(deps: Pick<Deps, 'config' | 'clock'>): (c: Context<ApiEnv>) => void {
  const limiter = createRateLimiter({ limit: deps.config.trackRequestsPerMinute, windowMs: 60_000, clock: deps.clock });
  return (c) => {
    const wait = limiter.hit(clientNetwork(c, deps.config.trustedProxies));
    if (wait > 0) throw new ApiError(429, 'rate_limited', { headers: { 'Retry-After': String(Math.ceil(wait / 1000)) } });
  };
}

/** The same limit as a middleware, for routes declared with app.openapi(). */
export function perClientLimit(deps: Pick<Deps, 'config' | 'clock'>): MiddlewareHandler<ApiEnv> {
  const check = perClientCheck(deps);
  return (c, next) => {
    check(c);
    return next();
  };
}
