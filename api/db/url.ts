// DATABASE_URL is a libpq connection URI (PostgreSQL 15 documentation, §34.1.1 "Connection Strings"): the form psql,
// pg_dump and an operator's notes use. postgres.js reads most of it, but not a Unix-domain socket, nor the files of
// TLS (tlsOptions, below). libpq names the
// socket by its directory, as a host that starts with a slash, either in the query
// (`postgresql://orc@localhost/orc?host=/var/run/postgresql`) or percent-encoded in place of the host
// (`postgresql://orc@%2Fvar%2Frun%2Fpostgresql/orc`). postgres.js sent the first to the server as a run-time parameter,
// which it refuses at connect ('unrecognized configuration parameter "host"'), and looked the second up in DNS.
//
// The socket is worth having when PostgreSQL runs on the app's own machine (one district's server, a small state
// pilot): a query written to loopback TCP makes the app's process do the kernel's TCP work for both ends, and in
// test/bench/submit.ts the socket cut the server's CPU a submission from 39.3 ms to 32.7 ms (README, Running in
// production).
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
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

/** libpq's TLS parameters that name files; postgres.js would send them to the server as settings, which it refuses. */
const TLS_FILES = ['sslrootcert', 'sslcert', 'sslkey'] as const;
type TlsFile = (typeof TLS_FILES)[number];

/**
 * TLS to a PostgreSQL on another machine, as libpq's URI parameters ask for it (PostgreSQL 15 documentation, §34.19
 * "SSL Support"): `sslrootcert` is the file of the CA that signed the server's certificate (a state data centre's
 * own, not a public one), `sslcert` and `sslkey` the client's certificate where the server asks for one. postgres.js
 * takes `sslmode` but none of the files. So with any of them, the TLS options are built here:
 * - `verify-full`: the chain up to `sslrootcert`, and the host name or address in the certificate;
 * - `verify-ca`, and `require` when there is a root certificate (libpq: "the same as verify-ca"): the chain only;
 * - `require` without one, `prefer` (libpq's default), `allow`: encrypted but unverified, as in libpq; the files then
 *   only supply the client's certificate;
 * - `disable`: no TLS, whatever else is given.
 * Undefined when the URL names no file: postgres.js then reads `sslmode` itself (and `sslrootcert=system`, the public
 * CAs). Not read: `sslcrl`, `sslpassword` (an encrypted key), `sslsni`; a URL with them is refused, not half-obeyed.
 */
function tlsOptions(url: URL): ConnectionOptions | false | undefined {
  const path = (name: TlsFile) => {
    const value = url.searchParams.get(name);
    return value === null || (name === 'sslrootcert' && value === 'system') ? null : value;
  };
  if (!TLS_FILES.some(path)) return undefined;
  for (const name of ['sslcrl', 'sslpassword', 'sslsni']) {
    if (url.searchParams.has(name)) throw new Error(`DATABASE_URL: ${name} is not supported (README, Using a real PostgreSQL).`);
  }
  const mode = url.searchParams.get('sslmode') ?? 'prefer';
  if (mode === 'disable') return false;
  const read = (name: TlsFile) => {
    const file = path(name);
    if (file === null) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`DATABASE_URL: cannot read ${name} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const client = { cert: read('sslcert'), key: read('sslkey') };
  const ca = read('sslrootcert');
  if (mode === 'verify-full' || mode === 'verify-ca' || (mode === 'require' && ca)) {
    if (!ca) throw new Error(`DATABASE_URL: sslmode=${mode} needs sslrootcert, the file of the CA that signed the server's certificate.`);
    // Node checks the name against the TLS server name, which postgres.js leaves out for an address (SNI may not
    // carry one), and then against "localhost": so the URL's own host is checked here, name or address.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { ...client, ca, rejectUnauthorized: true, checkServerIdentity: mode === 'verify-full' ? (_: string, cert) => checkServerIdentity(host, cert) : () => undefined };
  }
  return { ...client, rejectUnauthorized: false };
}

/**
 * postgres.js on a libpq URI, socket and TLS files included: for every client the app, its scripts and its tests open.
 * Throws, naming the parameter, when a TLS file cannot be read.
 */
export function postgresOptions<T extends postgres.Options<Record<string, postgres.PostgresType>>>(databaseUrl: string, options: T): [string, T & { path?: string; ssl?: ConnectionOptions | false }] {
  const target = postgresTarget(databaseUrl);
  const withPath = target.path ? { ...options, path: target.path } : options;
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return [target.url, withPath];
  }
  const ssl = tlsOptions(url);
  if (ssl === undefined) return [target.url, withPath];
  for (const name of [...TLS_FILES, 'sslmode']) url.searchParams.delete(name);
  return [url.toString(), { ...withPath, ssl }];
}
