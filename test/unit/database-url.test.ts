// libpq's connection URIs, as postgres.js is given them (api/db/url.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseLibpqUri, postgresOptions, postgresTarget } from '../../api/db/url.ts';

describe('postgresTarget', () => {
  test('a TCP URL is handed over unchanged, query and all', () => {
    for (const url of ['postgres://orc:secret@db.internal:6432/orc?sslmode=require', 'postgres://postgres@127.0.0.1:5432/postgres', 'postgres://a@h1:5432,h2:5433/orc']) {
      expect(postgresTarget(url)).toEqual({ url });
    }
  });

  test('the socket directory in the query becomes the socket file; the rest of the query stays', () => {
    expect(postgresTarget('postgresql://orc@localhost/orc?host=/var/run/postgresql&application_name=orc')).toEqual({
      url: 'postgresql://orc@localhost/orc?application_name=orc',
      path: '/var/run/postgresql/.s.PGSQL.5432'
    });
  });

  test("the socket's port comes from the query, else from the URL", () => {
    expect(postgresTarget('postgresql://orc@localhost/orc?host=/run/pg/&port=5433').path).toBe('/run/pg/.s.PGSQL.5433');
    expect(postgresTarget('postgresql://orc@localhost:5434/orc?host=/run/pg').path).toBe('/run/pg/.s.PGSQL.5434');
  });

  test('a user with no host before the path, and no user at all', () => {
    expect(postgresTarget('postgresql://orc@/orc?host=/var/run/postgresql')).toEqual({ url: 'postgresql://orc@localhost/orc', path: '/var/run/postgresql/.s.PGSQL.5432' });
    expect(postgresTarget('postgresql:///orc?host=%2Fvar%2Frun%2Fpostgresql').path).toBe('/var/run/postgresql/.s.PGSQL.5432');
  });

  test('the directory percent-encoded as the host', () => {
    expect(postgresTarget('postgresql://orc:pw@%2Fvar%2Frun%2Fpostgresql:5433/orc')).toEqual({ url: 'postgresql://orc:pw@localhost/orc', path: '/var/run/postgresql/.s.PGSQL.5433' });
  });

  test('a host name in the query replaces the URL\'s host, as libpq reads it', () => {
    expect(postgresTarget('postgresql://orc@localhost:5432/orc?host=db.internal')).toEqual({ url: 'postgresql://orc@db.internal:5432/orc' });
  });

  test("the query's port moves into the URL, over TCP too; hostaddr is refused", () => {
    expect(postgresTarget('postgresql://orc@db.internal/orc?port=6432&application_name=orc')).toEqual({ url: 'postgresql://orc@db.internal:6432/orc?application_name=orc' });
    expect(postgresTarget('postgresql://orc@localhost/orc?host=db.internal&port=6432')).toEqual({ url: 'postgresql://orc@db.internal:6432/orc' });
    expect(() => postgresTarget('postgresql://orc@localhost/orc?port=x')).toThrow('port=x is not a port number');
    expect(() => postgresTarget('postgresql://orc@localhost/orc?hostaddr=10.0.0.5')).toThrow('hostaddr is not supported');
  });

  test('an IPv6 address in the query is the host, in brackets; not silently the old host', () => {
    expect(postgresTarget('postgresql://orc@db.internal/orc?host=fd00::5')).toEqual({ url: 'postgresql://orc@[fd00::5]/orc' });
    expect(postgresTarget('postgresql://orc@/orc?host=::1').url).toBe('postgresql://orc@[::1]/orc');
    expect(() => postgresTarget('postgresql://orc@db.internal/orc?host=not%20a%20host')).toThrow('host=not a host is not a host name or address');
  });

  test('a parameter given twice counts as libpq counts it: the last one', () => {
    expect(postgresTarget('postgresql://orc@localhost/orc?host=/tmp&host=/run/pg').path).toBe('/run/pg/.s.PGSQL.5432');
    expect(postgresTarget('postgresql://orc@localhost/orc?port=5433&port=5434').url).toBe('postgresql://orc@localhost:5434/orc');
  });

  test('refused by name: a port out of range, a query port with several hosts, a user with no host at all', () => {
    expect(() => postgresTarget('postgresql://orc@localhost/orc?port=70000')).toThrow('port=70000 is not a port number');
    expect(() => postgresTarget('postgresql://orc@localhost/orc?port=0')).toThrow('port=0 is not a port number');
    expect(() => postgresTarget('postgresql://orc@h1,h2/orc?port=6432')).toThrow('a port in the query with several hosts');
    expect(() => postgresTarget('postgresql://orc@/orc?port=5433')).toThrow('no host: name one, or the socket directory');
  });

  test('a stray % is kept as written, as postgres.js read it before', () => {
    expect(postgresTarget('postgresql://orc@localhost/orc?application_name=50%')).toEqual({ url: 'postgresql://orc@localhost/orc?application_name=50%' });
    expect(postgresTarget('postgresql://orc@localhost/orc?application_name=50%&port=5433')).toEqual({ url: 'postgresql://orc@localhost:5433/orc?application_name=50%' });
  });

  test('what no URL parser reads is left for postgres.js to report', () => {
    expect(postgresTarget('not a url')).toEqual({ url: 'not a url' });
  });
});

test('parseLibpqUri reads a user with no host before the path', () => {
  const url = parseLibpqUri('postgresql://orc:pw@/orc?host=/var/run/postgresql');
  expect([url.username, url.password, url.pathname, url.searchParams.get('host')]).toEqual(['orc', 'pw', '/orc', '/var/run/postgresql']);
});

describe("postgresOptions: libpq's TLS files (the handshakes themselves: test/integration/database-tls.test.ts)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'orc-url-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'CA');
  const base = 'postgresql://orc@db.sdc.wb.gov.in:5432/orc?application_name=orc';
  const ssl = (query: string) => postgresOptions(`${base}&${query}`, { max: 1 });

  test('the files leave the URL, so they are never sent to the server as settings; other parameters stay', () => {
    const [url, options] = ssl(`sslmode=verify-full&sslrootcert=${ca}`);
    expect(url).toBe(base);
    expect(options).toMatchObject({ max: 1, ssl: { ca: Buffer.from('CA'), rejectUnauthorized: true } });
  });

  test('each mode as libpq reads it', () => {
    expect(ssl(`sslmode=disable&sslrootcert=${ca}`)[1].ssl).toBe(false);
    expect(ssl(`sslmode=prefer&sslcert=${ca}`)[1].ssl).toMatchObject({ rejectUnauthorized: false, cert: Buffer.from('CA') });
    expect(ssl(`sslcert=${ca}`)[1].ssl).toMatchObject({ rejectUnauthorized: false }); // libpq's default is prefer
    expect(ssl(`sslmode=require&sslrootcert=${ca}`)[1].ssl).toMatchObject({ rejectUnauthorized: true });
  });

  test('no file: postgres.js reads sslmode itself, as before', () => {
    expect(ssl('sslmode=require')).toEqual([`${base}&sslmode=require`, { max: 1 }]);
  });

  test("sslrootcert=system: the public CAs, verify-full (PostgreSQL 16's libpq), and never sent to the server", () => {
    const [url, options] = ssl('sslrootcert=system');
    expect(url).toBe(base);
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(options.ssl && 'ca' in options.ssl).toBe(false);
    expect(() => ssl('sslmode=require&sslrootcert=system')).toThrow('sslmode=require may not be used with sslrootcert=system');
    expect(() => ssl('sslmode=disable&sslrootcert=system')).toThrow('sslmode=disable may not be used with sslrootcert=system');
  });

  test('with a root certificate the chain is checked in every mode but disable; only verify-full checks the host', () => {
    const mine = { subject: { CN: 'db' }, subjectaltname: 'DNS:db.sdc.wb.gov.in' } as PeerCertificate;
    const theirs = { subject: { CN: 'db' }, subjectaltname: 'DNS:elsewhere.example' } as PeerCertificate;
    for (const mode of ['allow', 'prefer', 'require', 'verify-ca', 'verify-full']) {
      const tls = ssl(`sslmode=${mode}&sslrootcert=${ca}`)[1].ssl as ConnectionOptions;
      expect(tls.rejectUnauthorized, mode).toBe(true);
      expect(tls.checkServerIdentity!('db.sdc.wb.gov.in', mine), mode).toBeUndefined();
      if (mode === 'verify-full') expect(tls.checkServerIdentity!('db.sdc.wb.gov.in', theirs)).toBeInstanceOf(Error);
      else expect(tls.checkServerIdentity!('db.sdc.wb.gov.in', theirs), mode).toBeUndefined();
    }
  });

  test("a file's name is read as libpq reads it: %XX decoded, + kept", () => {
    const plus = join(dir, 'a+b.pem');
    writeFileSync(plus, 'PLUS');
    expect(postgresOptions(`${base}&sslmode=verify-ca&sslrootcert=${encodeURIComponent(dir)}%2Fa+b.pem`, {})[1].ssl).toMatchObject({ ca: Buffer.from('PLUS') });
  });

  test('over a Unix socket libpq uses no TLS: its parameters are dropped', () => {
    expect(postgresOptions(`postgresql://orc@localhost/orc?host=/run/pg&sslmode=verify-full&sslrootcert=${ca}`, {})).toEqual([
      'postgresql://orc@localhost/orc',
      { path: '/run/pg/.s.PGSQL.5432', ssl: false }
    ]);
  });

  test('refused by name: a file that is not there, a verifying mode without its CA, a parameter not supported', () => {
    expect(() => ssl(`sslmode=verify-full&sslrootcert=${join(dir, 'none.pem')}`)).toThrow('DATABASE_URL: cannot read sslrootcert');
    expect(() => ssl(`sslmode=verify-full&sslcert=${ca}&sslkey=${ca}`)).toThrow('sslmode=verify-full needs sslrootcert');
    expect(() => ssl(`sslmode=verify-full&sslrootcert=${ca}&sslpassword=x`)).toThrow('sslpassword is not supported');
    // A mistyped mode must not fall through to an unchecked connection.
    expect(() => ssl(`sslmode=verify_full&sslrootcert=${ca}`)).toThrow('sslmode=verify_full is not one of disable, allow, prefer, require, verify-ca, verify-full');
    expect(() => ssl('sslmode=VERIFY-FULL')).toThrow('is not one of');
    // Appended to a URL that said disable: libpq's last value wins, so the chain and host are checked.
    expect(ssl(`sslmode=disable&sslrootcert=${ca}&sslmode=verify-full`)[1].ssl).toMatchObject({ rejectUnauthorized: true });
    expect(() => postgresOptions(`postgresql://orc@db1,db2/orc?sslmode=verify-full&sslrootcert=${ca}`, {})).toThrow('several hosts');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});
