// DATABASE_URL is a libpq connection URI (PostgreSQL 15 documentation, §34.1.1 "Connection Strings"): the form psql,
// pg_dump and an operator's notes use. postgres.js reads most of it, but not a Unix-domain socket. libpq names the
// socket by its directory, as a host that starts with a slash, either in the query
// (`postgresql://orc@localhost/orc?host=/var/run/postgresql`) or percent-encoded in place of the host
// (`postgresql://orc@%2Fvar%2Frun%2Fpostgresql/orc`). postgres.js sent the first to the server as a run-time parameter,
// which it refuses at connect ('unrecognized configuration parameter "host"'), and looked the second up in DNS.
//
// The socket is worth having when PostgreSQL runs on the app's own machine (one district's server, a small state
// pilot): a query written to loopback TCP makes the app's process do the kernel's TCP work for both ends, and in
// test/bench/submit.ts the socket cut the server's CPU a submission from 39.3 ms to 32.7 ms (README, Running in
// production).
import type postgres from 'postgres';

/** What to hand postgres.js for a libpq URI: the URL, and the socket's file when the URI names a socket. */
export interface PostgresTarget {
  url: string;
  /** `<directory>/.s.PGSQL.<port>`, as libpq and the server name it. */
  path?: string;
}

/**
 * Turns libpq's socket forms into postgres.js's `path` option. Other URLs come back unchanged: TCP hosts, several
 * hosts, and anything `new URL` cannot read (postgres.js then reports it as it always has). A `host` in the query that
 * is a name, not a directory, replaces the URI's host, as libpq reads it.
 */
export function postgresTarget(databaseUrl: string): PostgresTarget {
  let url: URL;
  try {
    url = parseLibpqUri(databaseUrl);
  } catch {
    return { url: databaseUrl };
  }
  const queryHost = url.searchParams.get('host');
  const host = queryHost ?? decodeURIComponent(url.hostname);
  if (!host.startsWith('/')) {
    if (queryHost === null) return { url: databaseUrl };
    url.searchParams.delete('host');
    url.hostname = queryHost;
    return { url: url.toString() };
  }
  const port = url.searchParams.get('port') ?? (url.port || '5432');
  url.searchParams.delete('host');
  url.searchParams.delete('port');
  // postgres.js connects to `path` when it has one; the host it is given is then only a name.
  url.hostname = 'localhost';
  url.port = '';
  return { url: url.toString(), path: `${host.replace(/\/+$/, '')}/.s.PGSQL.${port}` };
}

/**
 * A libpq URI as a URL. libpq takes `postgresql://user@/db?host=…` (a user and no host before the path), which WHATWG
 * URLs refuse; the host is then whatever `host` in the query says, so `localhost` stands in for the missing one.
 */
export function parseLibpqUri(databaseUrl: string): URL {
  return new URL(databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^/@?#]*@)(?=[/?]|$)/, '$1localhost'));
}

/** postgres.js on a libpq URI, socket forms included: for every client the app, its scripts and its tests open. */
export function postgresOptions<T extends postgres.Options<Record<string, postgres.PostgresType>>>(databaseUrl: string, options: T): [string, T & { path?: string }] {
  const target = postgresTarget(databaseUrl);
  return [target.url, target.path ? { ...options, path: target.path } : options];
}
