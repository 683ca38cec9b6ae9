// The API's route table. Hono's fastest router, RegExpRouter, matches every route with one regular expression, but it
// refuses a table in which a route's parameter sits beside a fixed route at the same depth: the API has
// GET /api/verify/district-key.pem beside /api/verify/:certificateNo, and /api/counters/managed beside
// /api/counters/:id. Hono's default router then falls back to TrieRouter for every request, which walked the tree a
// segment at a time and cost a tracking lookup 8 µs and 2.5 KB of garbage, more than the rate limit, the language and
// the session together (test/bench/track.ts, profiles of 8 Dec 2026).
//
// So the routes are split by what can match a path. A path that is exactly one of the fixed routes' paths (no
// parameter, no wildcard) goes to a TrieRouter that holds every route, as today. Any other path cannot be matched by a
// fixed route, only by the routes with a parameter or wildcard, so RegExpRouter over just those finds the same routes
// in the same order; without the fixed routes it has nothing to refuse. Should a later route table still be refused
// (two parameters of one depth in different patterns, say), every path goes to the TrieRouter, as with Hono's default,
// and `name` says so: test/unit/router.test.ts holds the API's own table to the fast way.
import type { Result, Router } from 'hono/router';
import { UnsupportedPathError } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';

export class FixedPathsApartRouter<T> implements Router<T> {
  name = 'FixedPathsApartRouter';
  readonly #all = new TrieRouter<T>();
  #patterns: RegExpRouter<T> | null = new RegExpRouter<T>();
  readonly #fixedPaths = new Set<string>();

  add(method: string, path: string, handler: T): void {
    this.#all.add(method, path, handler);
    if (isFixed(path)) this.#fixedPaths.add(path);
    else this.#refusable(() => this.#patterns?.add(method, path, handler));
  }

  match(method: string, path: string): Result<T> {
    if (this.#patterns && !this.#fixedPaths.has(path)) {
      const patterns = this.#patterns;
      const found = this.#refusable(() => patterns.match(method, path));
      if (found) return found;
    }
    return this.#all.match(method, path);
  }

  /** RegExpRouter refuses a table when a route is added, or when it builds its expression at the first match. */
  #refusable<R>(step: () => R): R | undefined {
    try {
      return step();
    } catch (err) {
      if (!(err instanceof UnsupportedPathError)) throw err;
      this.#patterns = null;
      this.name = 'FixedPathsApartRouter (TrieRouter only)';
      return undefined;
    }
  }
}

/** A path with no parameter (`:id`, `:id{…}`, `:id?`) and no wildcard matches only itself. */
export function isFixed(path: string): boolean {
  return !path.includes(':') && !path.includes('*');
}
