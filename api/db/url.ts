// DATABASE_URL is a libpq connection URI (PostgreSQL 15 documentation, §34.1.1 "Connection Strings"): the form psql,
// pg_dump and an operator's notes use. postgres.js reads most of it, but not a Unix-domain socket, nor the files of
// TLS (tlsOptions, below), nor a port or host given in the query: it sends every query parameter it does not know to
// the server as a run-time setting, and the server refuses the connection ('unrecognized configuration parameter').
//
// libpq names a socket by its directory, as a host that starts with a slash, either in the query
// (`postgresql://orc@localhost/orc?host=/var/run/postgresql`) or percent-encoded in place of the host
// (`postgresql://orc@%2Fvar%2Frun%2Fpostgresql/orc`); postgres.js looked the second up in DNS. The socket is worth
// having when PostgreSQL runs on the app's own machine: a query written to loopback TCP makes the app's process do the
// kernel's TCP work for both ends, and in test/bench/submit.ts the socket cut the server's CPU a submission from 39.3
// ms to 32.7 ms (README, Using a real PostgreSQL).
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type postgres from 'postgres';

/** What to hand postgres.js for a libpq URI. */
export interface PostgresTarget {
  url: string;
  /** `<directory>/.s.PGSQL.<port>`, as libpq and the server name it. */
  path?: string;
  /** TLS as the URI's files ask for it; false: none. Absent: postgres.js reads `sslmode` itself. */
  ssl?: ConnectionOptions | false;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** libpq's TLS parameters that name files. */
const TLS_FILES = ['sslrootcert', 'sslcert', 'sslkey'] as const;
/** libpq parameters this file does not implement: refused by name rather than sent to the server or half-obeyed. */
const UNSUPPORTED = ['hostaddr', 'sslcrl', 'sslcrldir', 'sslpassword', 'sslsni'];

const USER_WITHOUT_HOST = /^(postgres(?:ql)?:\/\/[^/@?#]*@)(?=[/?]|$)/;

/**
 * A libpq URI as a URL. libpq takes `postgresql://user@/db?host=…` (a user and no host before the path), which WHATWG
 * URLs refuse; the host is then whatever `host` in the query says, so `localhost` stands in for the missing one.
 */
export function parseLibpqUri(databaseUrl: string): URL {
  return new URL(databaseUrl.replace(USER_WITHOUT_HOST, '$1localhost'));
}

/** `%XX` decoded; a stray `%` kept as written (URLSearchParams, which postgres.js uses, lets it through too). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The query as libpq reads it: `%XX` decoded and `+` kept (URLSearchParams would read `/etc/a+b.pem` as `/etc/a b.pem`,
 * another file than pg_dump reads), with each parameter's text as written, to put back the ones kept.
 */
function queryOf(url: URL): { name: string; value: string; raw: string }[] {
  return url.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((raw) => {
      const eq = raw.indexOf('=');
      return { name: decoded(eq < 0 ? raw : raw.slice(0, eq)), value: decoded(eq < 0 ? '' : raw.slice(eq + 1)), raw };
    });
}

const fail = (message: string) => new Error(`DATABASE_URL: ${message} (README, Using a real PostgreSQL).`);

/**
 * Turns libpq's socket forms, its query `host` and `port`, and its TLS files into postgres.js's options. A URL with
 * none of them comes back as it was, and so does anything `new URL` cannot read, several hosts with ports among them
 * (postgres.js then reads or reports it as it always has). Throws, naming the parameter, for what it cannot honour.
 */
export function postgresTarget(databaseUrl: string): PostgresTarget {
  let url: URL;
  try {
    url = parseLibpqUri(databaseUrl);
  } catch {
    return { url: databaseUrl };
  }
  const query = queryOf(url);
  // A parameter given twice counts as libpq counts it, the last one: a script that appends `&sslmode=verify-full` to
  // a URL that already says `sslmode=disable` gets verify-full.
  const param = (name: string) => query.findLast((p) => p.name === name)?.value;
  for (const name of UNSUPPORTED) if (param(name) !== undefined) throw fail(`${name} is not supported`);
  const sslmode = param('sslmode');
  if (sslmode !== undefined && !SSL_MODES.includes(sslmode)) throw fail(`sslmode=${sslmode} is not one of ${SSL_MODES.join(', ')}`);
  const queryHost = param('host');
  const queryPort = param('port');
  if (queryPort !== undefined && !(/^\d{1,5}$/.test(queryPort) && +queryPort >= 1 && +queryPort <= 65535)) throw fail(`port=${queryPort} is not a port number`);
  // libpq would use its default socket directory, which this file does not know (Debian's is /var/run/postgresql).
  if (queryHost === undefined && USER_WITHOUT_HOST.test(databaseUrl)) throw fail('no host: name one, or the socket directory with host=/var/run/postgresql');
  const host = queryHost ?? decoded(url.hostname);
  if (queryPort !== undefined && host.includes(',')) throw fail('a port in the query with several hosts is not supported; give each host its port');

  const socket = host.startsWith('/');
  const ssl = socket ? socketTls(param) : tlsOptions(param, host);
  const consumed = ['host', 'port', ...(ssl === undefined ? [] : [...TLS_FILES, 'sslmode'])];
  if (!query.some((p) => consumed.includes(p.name)) && !socket) return { url: databaseUrl };

  const rest = query.filter((p) => !consumed.includes(p.name)).map((p) => p.raw);
  url.search = rest.length ? '?' + rest.join('&') : '';
  if (socket) {
    const port = queryPort ?? (url.port || '5432');
    // postgres.js connects to `path` when it has one; the host it is given is then only a name.
    url.hostname = 'localhost';
    url.port = '';
    return { url: url.toString(), path: `${host.replace(/\/+$/, '')}/.s.PGSQL.${port}`, ...(ssl === undefined ? {} : { ssl }) };
  }
  if (queryHost !== undefined) {
    // An IPv6 address goes in brackets; the URL's setter ignores a host it cannot take, which would leave the
    // connection going to the URI's own host instead.
    const wanted = queryHost.includes(':') && !queryHost.startsWith('[') ? `[${queryHost}]` : queryHost;
    url.hostname = wanted;
    if (url.hostname.toLowerCase() !== wanted.toLowerCase()) throw fail(`host=${queryHost} is not a host name or address`);
  }
  if (queryPort !== undefined) url.port = queryPort;
  return { url: url.toString(), ...(ssl === undefined ? {} : { ssl }) };
}

/** libpq never uses TLS on a Unix socket (the server answers its SSLRequest with N there): its parameters are dropped. */
function socketTls(param: (name: string) => string | undefined): false | undefined {
  return [...TLS_FILES, 'sslmode'].some((name) => param(name) !== undefined) ? false : undefined;
}

/**
 * TLS to a PostgreSQL on another machine, as libpq's URI parameters ask for it (PostgreSQL 15 documentation, §34.19
 * "SSL Support"; `sslrootcert=system` from PostgreSQL 16's): `sslrootcert` is the file of the CA that signed the
 * server's certificate (a state data centre's own, not a public one), `sslcert` and `sslkey` the client's certificate
 * where the server asks for one. postgres.js takes `sslmode` but none of the files. So with any of them:
 * - with a root certificate, the chain is checked in every mode (libpq loads it and verifies the peer whenever it
 *   exists); `verify-full` also checks that the certificate names the URL's host or address;
 * - `verify-ca` or `verify-full` without one is refused: there would be nothing to check the chain against;
 * - `require`, `prefer` (libpq's default) or `allow` without one: encrypted, unverified, as in libpq; the files then
 *   only supply the client's certificate. TLS is then required, not tried: postgres.js cannot fall back with its own
 *   options;
 * - `sslrootcert=system`: the public CAs and `verify-full`, as PostgreSQL 16's libpq, which refuses a weaker mode.
 *   The CAs are Node's own list (Mozilla's), not the operating system's store libpq reads: a CA installed only in
 *   the system's store is refused, so name its file instead;
 * - `disable`: no TLS.
 * Undefined when the URL names no file: postgres.js then reads `sslmode` itself.
 */
function tlsOptions(param: (name: string) => string | undefined, host: string): ConnectionOptions | false | undefined {
  if (!TLS_FILES.some((name) => param(name) !== undefined)) return undefined;
  const mode = param('sslmode') ?? 'prefer';
  const system = param('sslrootcert') === 'system';
  if (system && param('sslmode') !== undefined && mode !== 'verify-full') throw fail(`sslmode=${mode} may not be used with sslrootcert=system, which needs verify-full`);
  if (mode === 'disable') return false;
  const read = (name: (typeof TLS_FILES)[number]) => {
    const file = param(name);
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw fail(`cannot read ${name} ${file}: ${(err as Error).message}`);
    }
  };
  const client = { cert: read('sslcert'), key: read('sslkey') };
  const ca = system ? undefined : read('sslrootcert');
  if (!system && !ca) {
    if (mode === 'verify-ca' || mode === 'verify-full') throw fail(`sslmode=${mode} needs sslrootcert, the file of the CA that signed the server's certificate`);
    return { ...client, rejectUnauthorized: false };
  }
  if (mode !== 'verify-full' && !system) return { ...client, ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  if (host.includes(',')) throw fail('sslmode=verify-full with several hosts is not supported');
  // Node checks the name against the TLS server name, which postgres.js leaves out for an address (SNI may not carry
  // one), and then against "localhost": so the URL's own host is checked here, name or address.
  const name = host.replace(/^\[(.*)\]$/, '$1');
  return { ...client, ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: (_: string, cert) => checkServerIdentity(name, cert) };
}

/**
 * postgres.js on a libpq URI, with postgresTarget's socket and TLS: for every client the app, its scripts and its
 * tests open.
 */
export function postgresOptions<T extends postgres.Options<Record<string, postgres.PostgresType>>>(databaseUrl: string, options: T): [string, T & { path?: string; ssl?: ConnectionOptions | false }] {
  const { url, path, ssl } = postgresTarget(databaseUrl);
  return [url, { ...options, ...(path ? { path } : {}), ...(ssl === undefined ? {} : { ssl }) }];
}
