// A fixed-window request limit per key, in this process's memory. For public read endpoints that must stay fast
// (tracking is benchmarked against pgbench): a database write per request would cost more than the lookup itself.
// With N processes a client gets at most N times the limit, which is still a limit.
import type { Clock } from '../deps.ts';

export function createRateLimiter(opts: { limit: number; windowMs: number; clock: Clock }) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts a request; returns how long to wait (ms) when over the limit, else 0. */
    hit(key: string): number {
      const now = opts.clock.now().getTime();
      if (windows.size > 100_000) for (const [k, w] of windows) if (now - w.start >= opts.windowMs) windows.delete(k);
      const w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        windows.set(key, { start: now, count: 1 });
        return 0;
      }
      w.count += 1;
      return w.count > opts.limit ? w.start + opts.windowMs - now : 0;
    }
  };
}
