// DATABASE_URL asking for TLS with libpq's files (api/db/url.ts): the state data centre's own CA, a client
// certificate. The server here is a TLS front of the test's own, in front of the real server's TCP port (on PGlite,
// of the embedded database's socket): it answers PostgreSQL's SSLRequest and then speaks TLS with a certificate this
// test signs, as a PostgreSQL with `ssl = on` would, so the test needs no change to the machine's PostgreSQL.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embeddedSocketPath, openDatabase, type Database } from '../../api/db/connect.ts';
import { authority, issue } from '../support/certificates.ts';
import { createTestDatabase, databaseReachedBy, sharedDatabase } from '../support/server.ts';

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

let dir: string;
/** The database behind the fronts: its URL, and how to reach it without TLS. */
let upstream: URL;
let reach: () => Socket;
let embedded: Database | null = null;
let drop: () => Promise<void> = async () => {};
const fronts: Server[] = [];

interface Front {
  port: number;
  /** Connections that finished the TLS handshake. */
  secured: number;
}

/** PostgreSQL's side of TLS, then the bytes as they are to the real server. */
async function tlsFront(server: { cert: string; key: string }, clientCa?: string): Promise<Front> {
  const front: Front = { port: 0, secured: 0 };
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const listener = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    client.once('data', (first) => {
      if (!first.equals(SSL_REQUEST)) return void client.destroy();
      client.write('S');
      const secure = new TLSSocket(client, {
        isServer: true,
        cert: readFileSync(server.cert),
        key: readFileSync(server.key),
        ...(clientCa ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(clientCa) } : {})
      });
      secure.on('error', () => client.destroy());
      secure.once('secure', () => {
        front.secured++;
        const db = reach();
        track(db);
        db.on('error', () => secure.destroy());
        secure.pipe(db).pipe(secure);
      });
    });
  });
  listener.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  fronts.push(listener);
  front.port = (listener.address() as AddressInfo).port;
  return front;
}

let ca: string;
let otherCa: string;
let forAddress: Front;
let forName: Front;
let askingClients: Front;
let client: { cert: string; key: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orc-tls-'));
  if (sharedDatabase) {
    const db = await createTestDatabase();
    drop = () => db.drop();
    upstream = new URL(db.url);
    reach = () => connect(Number(upstream.port || 5432), upstream.hostname);
  } else {
    embedded = await openDatabase({ dataDir: join(dir, 'data') });
    upstream = new URL('postgres://postgres@127.0.0.1/postgres');
    reach = () => connect(embeddedSocketPath(join(dir, 'data')));
  }
  ca = await authority(dir, 'data-centre-ca');
  otherCa = await authority(dir, 'another-ca');
  const byAddress = await issue(dir, 'db-by-address', 'data-centre-ca', 'IP:127.0.0.1');
  const byName = await issue(dir, 'db-by-name', 'data-centre-ca', 'DNS:db.sdc.wb.gov.in');
  client = await issue(dir, 'app-client', 'data-centre-ca', 'DNS:app.sdc.wb.gov.in');
  forAddress = await tlsFront(byAddress);
  forName = await tlsFront(byName);
  askingClients = await tlsFront(byAddress, ca);
}, 60_000);

afterAll(async () => {
  await Promise.all(fronts.map((f) => new Promise((resolve) => f.close(resolve))));
  await embedded?.close();
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

function urlFor(front: Front, query: Record<string, string>): string {
  const url = new URL(upstream);
  url.host = `127.0.0.1:${front.port}`;
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

describe("DATABASE_URL with TLS, libpq's files", () => {
  // Before api/db/url.ts, postgres.js sent sslrootcert to the server as a setting: 'unrecognized configuration
  // parameter "sslrootcert"'.
  test("verify-full: the data centre's CA, and the address in the server's certificate", async () => {
    const before = forAddress.secured;
    expect(await databaseReachedBy(urlFor(forAddress, { sslmode: 'verify-full', sslrootcert: ca }))).toBe(upstream.pathname.slice(1));
    expect(forAddress.secured).toBeGreaterThan(before);
  });

  test('verify-full refuses a certificate another CA signed, and one for another host', async () => {
    await expect(databaseReachedBy(urlFor(forAddress, { sslmode: 'verify-full', sslrootcert: otherCa }))).rejects.toThrow(/certificate/i);
    await expect(databaseReachedBy(urlFor(forName, { sslmode: 'verify-full', sslrootcert: ca }))).rejects.toThrow("IP: 127.0.0.1 is not in the cert's list");
  });

  test('verify-ca, and require with a root certificate, check the chain but not the host', async () => {
    const name = upstream.pathname.slice(1);
    expect(await databaseReachedBy(urlFor(forName, { sslmode: 'verify-ca', sslrootcert: ca }))).toBe(name);
    expect(await databaseReachedBy(urlFor(forName, { sslmode: 'require', sslrootcert: ca }))).toBe(name);
    await expect(databaseReachedBy(urlFor(forName, { sslmode: 'verify-ca', sslrootcert: otherCa }))).rejects.toThrow(/certificate/i);
  });

  test("a server that asks for the client's certificate gets it from sslcert and sslkey", async () => {
    const before = askingClients.secured;
    expect(await databaseReachedBy(urlFor(askingClients, { sslmode: 'verify-full', sslrootcert: ca, sslcert: client.cert, sslkey: client.key }))).toBe(upstream.pathname.slice(1));
    expect(askingClients.secured).toBe(before + 1);
    await expect(databaseReachedBy(urlFor(askingClients, { sslmode: 'verify-full', sslrootcert: ca }))).rejects.toThrow(/certificate required/);
    expect(askingClients.secured).toBe(before + 1);
  });

  test('a file that cannot be read, a verifying mode without a root certificate, an unsupported parameter: refused at start, by name', async () => {
    const missing = join(dir, 'missing.pem');
    await expect(databaseReachedBy(urlFor(forAddress, { sslmode: 'verify-full', sslrootcert: missing }))).rejects.toThrow(`DATABASE_URL: cannot read sslrootcert ${missing}`);
    writeFileSync(join(dir, 'empty.pem'), '');
    await expect(databaseReachedBy(urlFor(forAddress, { sslmode: 'verify-ca', sslcert: client.cert, sslkey: client.key }))).rejects.toThrow('sslmode=verify-ca needs sslrootcert');
    await expect(databaseReachedBy(urlFor(forAddress, { sslmode: 'verify-full', sslrootcert: ca, sslcrl: join(dir, 'empty.pem') }))).rejects.toThrow('DATABASE_URL: sslcrl is not supported');
  });
});
