// A connection that dies while postgres.js is still setting it up (issue 11 item 1). After each connect, postgres.js
// asks PostgreSQL for its array types before it runs the query that was waiting for the connection. Unpatched, the
// promise of that internal query was dropped: when the connection was reset under it, the error became an unhandled
// rejection and our server exited (CI run of 7 Dec 2026: postgres-restart.test.ts, "read ECONNRESET"), and when
// PostgreSQL ended it with a FATAL error (a restart's 57P01), the driver reconnected and then handed that old error
// to the first query on the new, healthy connection, again as an unhandled rejection as well (porsager/postgres
// #1192, #1205, #1223; patches/postgres+3.4.9.patch). A TCP proxy in front of the real PostgreSQL does to the first
// connection what a restart does, at exactly that moment; every later connection passes through untouched. Any other
// FATAL error there is the waiting query's answer (only a restart's is worth another connection). And a query's
// cancel() dropped the promise of its cancel request, so a cancel that could not connect (api/metrics gives up on a
// slow query and cancels it, most often while the database is away) was one more unhandled rejection.
import { connect, createServer, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterEach, beforeEach, expect, test } from 'vitest';

const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
// The text of postgres.js's own array-types query (src/connection.js, fetchArrayTypes).
const arrayTypesQuery = Buffer.from("where a.typcategory = 'A'");

/**
 * A backend message: ErrorResponse with severity FATAL. 57P01 with its text is what PostgreSQL sends its backends on
 * a fast shutdown.
 */
function fatal(code = '57P01', text = 'terminating connection due to administrator command'): Buffer {
  const fields = Buffer.concat([['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', text]].map(([k, v]) => Buffer.from(`${k}${v}\0`)));
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + fields.length + 1, 1);
  return Buffer.concat([head, fields, Buffer.from([0])]);
}

/** What the proxy does to a connection when the array-types query goes out: reset it, or end it with a FATAL. */
type Fault = 'none' | 'reset' | { fatal: string };
let proxy: Server;
let port = 0;
let faulted = 0;
const sockets = new Set<Socket>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** `every`: to every connection, not only the first. */
async function startProxy(fault: Fault, every = false): Promise<void> {
  faulted = 0;
  proxy = createServer((client) => {
    const server = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(server);
    for (const s of [client, server]) s.on('error', () => {}).on('close', () => sockets.delete(s));
    const first = faulted === 0;
    client.on('data', (chunk) => {
      // postgres.js sends the query in one write of some 300 bytes, right after the startup: one chunk here.
      if (fault !== 'none' && (first || every) && chunk.includes(arrayTypesQuery)) {
        faulted += 1;
        server.destroy();
        if (fault === 'reset') client.resetAndDestroy();
        else client.end(fault.fatal === '57P01' ? fatal() : fatal(fault.fatal, 'sorry, too many clients already'));
        return;
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => client.write(chunk));
    server.on('close', () => client.destroyed || client.end());
    client.on('close', () => server.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  port = (proxy.address() as { port: number }).port;
}

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const s of sockets) s.destroy();
  if (proxy?.listening) await new Promise((resolve) => proxy.close(resolve));
});

const connectThroughProxy = () =>
  postgres({ host: '127.0.0.1', port, user: target.username || 'postgres', database: target.pathname.slice(1) || 'postgres', max: 1, onnotice: () => {} });

/** The first query on a fresh pool through the proxy, what it settled as, and a second query's answer. */
async function firstQueries(): Promise<{ first: string; second: number }> {
  const sql = connectThroughProxy();
  try {
    const first = await sql`select 1 as n`.then(
      ([row]) => `answered ${row!.n}`,
      (e: { code?: string }) => `refused ${e.code}`
    );
    const [row] = await sql<{ n: number }[]>`select 2 as n`;
    await new Promise((resolve) => setTimeout(resolve, 100)); // an unhandled rejection is reported a tick later
    return { first, second: row!.n };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

test('the connection is reset while postgres.js fetches array types: the waiting query is refused, nothing escapes, the next query is answered', async () => {
  await startProxy('reset');
  const got = await firstQueries();
  expect(faulted).toBe(1);
  expect(unhandled.map(String)).toEqual([]);
  expect(got).toEqual({ first: 'refused ECONNRESET', second: 2 });
});

test('PostgreSQL ends the connection (57P01) while postgres.js fetches array types: the waiting query is run on a new connection, and the old error is not replayed', async () => {
  await startProxy({ fatal: '57P01' });
  const got = await firstQueries();
  expect(faulted).toBe(1);
  expect(unhandled.map(String)).toEqual([]);
  expect(got).toEqual({ first: 'answered 1', second: 2 });
});

test('any other FATAL error there is the waiting query\'s answer: it is refused, not sent again and again to a server that always refuses', async () => {
  await startProxy({ fatal: '53300' }, true);
  const sql = connectThroughProxy();
  try {
    const first = await sql`select 1 as n`.then(
      () => 'answered',
      (e: { code?: string }) => `refused ${e.code}`
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first).toBe('refused 53300');
    expect(faulted).toBe(1);
    expect(unhandled.map(String)).toEqual([]);
  } finally {
    await sql.end({ timeout: 1 });
  }
}, 10_000); // unpatched, the query waits for ever while the driver reconnects

test("a query's cancel() returns its request's promise, which rejects when the cancel cannot connect (the database away), instead of escaping", async () => {
  await startProxy('none');
  const sql = connectThroughProxy();
  try {
    await sql`select 1`;
    const sleeping = sql`select pg_sleep(2)`;
    const settled = sleeping.then(
      () => 'answered',
      (e: { code?: string }) => `refused ${e.code}`
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // sent, and running
    proxy.close(); // new connections are refused; the one open goes on
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cancelled = (sleeping as unknown as { cancel(): Promise<void> | null }).cancel();
    expect(cancelled).toBeInstanceOf(Promise);
    await expect(cancelled).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await settled).toBe('answered'); // the cancel never reached PostgreSQL
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled.map(String)).toEqual([]);
  } finally {
    await sql.end({ timeout: 1 });
  }
});
