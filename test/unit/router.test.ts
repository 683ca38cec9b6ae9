// The API's route table (api/http/router.ts): RegExpRouter for every path no fixed route names, TrieRouter for the
// fixed paths, and for a path of every route (and a few besides) the same routes, in the same order and with the same
// parameters, as a TrieRouter holding the whole table, which is what Hono's default router fell back to.
import type { Result } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { expect, test } from 'vitest';
import { FixedPathsApartRouter, isFixed } from '../../api/http/router.ts';
import { apiWithoutServices } from '../../scripts/openapi.ts';

/** The API's routes, as Hono registered them; the handlers never run. */
function apiRoutes() {
  const api = apiWithoutServices();
  return { api, routes: api.routes.map((r, i) => ({ method: r.method, path: r.path, id: i })) };
}

/** Each route's handlers and their parameters, whichever of its two shapes the router answered in. */
function resolved(result: Result<number>): { id: number; params: Record<string, string> }[] {
  const [matches, stash] = result;
  return matches.map(([id, params]) => ({
    id,
    params: Object.fromEntries(Object.entries(params).map(([name, at]) => [name, stash ? stash[at as number]! : (at as string)]))
  }));
}

/** A path each route matches: its parameters filled in, a wildcard given two segments. */
function sample(path: string): string {
  return path.replace(/:(\w+)(\{[^}]*\})?\??/g, (_, name: string) => `v-${name}`).replace(/\*/g, 'x/y');
}

test("the API's whole table is matched the fast way: RegExpRouter takes it with the fixed routes apart", () => {
  const { api } = apiRoutes();
  api.router.match('GET', '/api/track/26110020000017');
  expect(api.router.name).toBe('FixedPathsApartRouter');
  // The two pairs that made Hono's default fall back to TrieRouter are still there, so the test means something.
  const paths = new Set(api.routes.map((r) => r.path));
  expect(paths).toContain('/api/verify/district-key.pem');
  expect(paths).toContain('/api/verify/:certificateNo');
});

test('a path of every route finds the same routes, in the same order, with the same parameters, as TrieRouter over all of them', () => {
  const { routes } = apiRoutes();
  const fast = new FixedPathsApartRouter<number>();
  const reference = new TrieRouter<number>();
  for (const r of routes) {
    fast.add(r.method, r.path, r.id);
    reference.add(r.method, r.path, r.id);
  }
  const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'];
  const paths = [
    ...routes.map((r) => sample(r.path)),
    '/api/verify/district-key.pem', // fixed, beside a parameter
    '/api/counters/managed',
    '/api/verify/ORC-2026-11002-000001',
    '/api/counters/7f1b2c3d',
    '/api/nowhere',
    '/api/track/',
    '/api/track/a/b',
    '/api',
    '/'
  ];
  expect(routes.length).toBeGreaterThan(100); // the whole API, middleware included
  for (const method of methods) {
    for (const path of new Set(paths)) expect(resolved(fast.match(method, path)), `${method} ${path}`).toEqual(resolved(reference.match(method, path)));
  }
  expect(fast.name).toBe('FixedPathsApartRouter');
});

test('a table RegExpRouter refuses for other reasons is matched by TrieRouter alone, and says so', () => {
  // A parameter beside a fixed segment inside two patterns: not a fixed route, so still refused.
  const table: [string, string][] = [
    ['GET', '/v/:n'],
    ['GET', '/v/x/:m'],
    ['GET', '/v/x'],
    ['ALL', '/v/*']
  ];
  const fast = new FixedPathsApartRouter<number>();
  const reference = new TrieRouter<number>();
  table.forEach(([method, path], i) => {
    fast.add(method, path, i);
    reference.add(method, path, i);
  });
  for (const path of ['/v/1', '/v/x', '/v/x/2', '/v/y/z', '/w']) expect(resolved(fast.match('GET', path)), path).toEqual(resolved(reference.match('GET', path)));
  expect(fast.name).toBe('FixedPathsApartRouter (TrieRouter only)');
});

test('a fixed path is one with no parameter and no wildcard', () => {
  expect(isFixed('/api/verify/district-key.pem')).toBe(true);
  expect(isFixed('/api/verify/:certificateNo')).toBe(false);
  expect(isFixed('/api/x/:id{[0-9]+}')).toBe(false);
  expect(isFixed('/api/*')).toBe(false);
});

test('a route added after the first match is refused before either table changes, as Hono\'s routers refuse it', () => {
  const router = new FixedPathsApartRouter<number>();
  router.add('GET', '/a/:id', 1);
  router.match('GET', '/a/1');
  expect(() => router.add('GET', '/a/fixed', 2)).toThrow(/already built/);
  expect(resolved(router.match('GET', '/a/fixed'))).toEqual([{ id: 1, params: { id: 'fixed' } }]);
});
