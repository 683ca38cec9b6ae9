// DATABASE_URL naming a Unix-domain socket, as libpq writes it (api/db/url.ts): the app reaches the database through
// the socket. On PostgreSQL and PgBouncer the socket is the test's own, in front of the server's TCP port, so the test
// needs no change to the machine's pg_hba.conf and can count the connections that came through it; on PGlite it is
// the embedded database's own socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../api/db/connect.ts';
import { createTestDatabase, databaseReachedBy, sharedDatabase } from '../support/server.ts';

let dir: string;
let socketDir: string;
let databaseName: string;
let port: string;
let proxy: Server | null = null;
let proxied = 0;
let embedded: Database | null = null;
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orc-socket-'));
  if (sharedDatabase) {
    const db = await createTestDatabase();
    drop = () => db.drop();
    const target = new URL(db.url);
    databaseName = target.pathname.slice(1);
    port = target.port || '5432';
    socketDir = dir;
    const sockets = new Set<Socket>();
    proxy = createServer((client) => {
      proxied++;
      const server = connect(Number(port), target.hostname);
      for (const s of [client, server]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          server.destroy();
        });
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve) => proxy!.listen(join(socketDir, `.s.PGSQL.${port}`), resolve));
    proxy.on('close', () => sockets.forEach((s) => s.destroy()));
  } else {
    // The embedded database listens on DATA_DIR/run/.s.PGSQL.5432 (api/db/connect.ts).
    embedded = await openDatabase({ dataDir: dir });
    databaseName = 'postgres';
    port = '5432';
    socketDir = join(dir, 'run');
  }
});

afterAll(async () => {
  await embedded?.close();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DATABASE_URL naming a Unix socket, as libpq writes it', () => {
  // Before api/db/url.ts, postgres.js sent `host` to the server as a setting, which refused the connection:
  // 'unrecognized configuration parameter "host"'.
  test.each([
    ['the directory in the query', () => `postgresql://postgres@localhost/${databaseName}?host=${socketDir}&port=${port}`],
    ['no host before the path', () => `postgresql://postgres@/${databaseName}?host=${encodeURIComponent(socketDir)}&port=${port}`],
    ['the directory percent-encoded as the host', () => `postgres://postgres@${encodeURIComponent(socketDir)}:${port}/${databaseName}`]
  ])('%s', async (_, url) => {
    const before = proxied;
    expect(await databaseReachedBy(url())).toBe(databaseName);
    if (proxy) expect(proxied).toBeGreaterThan(before);
  });

  test('a socket directory with nothing listening is a connection error that names the socket', async () => {
    const nowhere = join(dir, 'nowhere');
    await expect(databaseReachedBy(`postgresql://postgres@localhost/${databaseName}?host=${nowhere}`)).rejects.toThrow(`${nowhere}/.s.PGSQL.5432`);
  });
});
