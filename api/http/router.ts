// The API's route table. Hono's fastest router, RegExpRouter, matches every route with one regular expression, but it
// refuses a table in which a route's parameter sits beside a fixed route at the same depth: the API has
// GET /api/verify/district-key.pem beside /api/verify/:certificateNo, and /api/counters/managed beside
// /api/counters/:id. Hono's default router then falls back to TrieRouter for every request, which walked the tree a
// segment at a time and cost a tracking lookup 8 µs and 2.5 KB of garbage, more than the rate limit, the language and
// the session together (test/bench/track.ts, profiles of 8 Dec 2026).
//
// So the routes are split by what can match a path. A path that is exactly one of the fixed routes' paths (no
// parameter, no wildcard) goes to a TrieRouter that holds every route, as Hono's default did. Any other path cannot be matched by a
// fixed route, only by the routes with a parameter or wildcard, so RegExpRouter over just those finds the same routes
// in the same order; without the fixed routes it has nothing to refuse. Should a later route table still be refused
// (`/a/:x` beside `/a/:y`, or a fixed segment beside a parameter inside two patterns, `/v/:n` and `/v/x/:m`), every
// path goes to the TrieRouter, as with Hono's default, and `name` says so: test/unit/router.test.ts holds the API's
// own table to the fast way.
import type { Result, Router } from 'hono/router';
import { MESSAGE_MATCHER_IS_ALREADY_BUILT, UnsupportedPathError } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';

export class FixedPathsApartRouter<T> implements Router<T> {
  name = 'FixedPathsApartRouter';
  readonly #all = new TrieRouter<T>();
  #patterns: RegExpRouter<T> | null = new RegExpRouter<T>();
  readonly #fixedPaths = new Set<string>();
  /** Hono adds every route before the first request; a route added later would leave the two routers apart. */
  #matched = false;

  add(method: string, path: string, handler: T): void {
    if (this.#matched) throw new Error(MESSAGE_MATCHER_IS_ALREADY_BUILT);
    this.#all.add(method, path, handler);
    if (isFixed(path)) this.#fixedPaths.add(path);
    else if (this.#patterns) {
      try {
        this.#patterns.add(method, path, handler);
      } catch (err) {
        // RegExpRouter refuses a table as routes are added; Hono 4.13 builds its expression at the first match
        // without refusing anything more.
        if (!(err instanceof UnsupportedPathError)) throw err;
        this.#patterns = null;
        this.name = 'FixedPathsApartRouter (TrieRouter only)';
      }
    }
  }

  match(method: string, path: string): Result<T> {
    this.#matched = true;
    return this.#patterns && !this.#fixedPaths.has(path) ? this.#patterns.match(method, path) : this.#all.match(method, path);
  }
}

/** A path with no parameter (`:id`, `:id{…}`, `:id?`) and no wildcard matches only itself. */
export function isFixed(path: string): boolean {
  return !path.includes(':') && !path.includes('*');
}
