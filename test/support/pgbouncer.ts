// Vitest global setup of the integration-pgbouncer project: our own PgBouncer (Debian's package; its service is not
// used) on a private port, in transaction mode, in front of the test PostgreSQL. Every database on that server is
// reachable through it by name; tests create theirs directly on the server and connect through the pooler.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

const binary = '/usr/sbin/pgbouncer';

export interface PgBouncer {
  url: string;
  stop(): Promise<void>;
}

/** Starts PgBouncer in front of `serverUrl` (a trust-auth PostgreSQL) and waits until it answers. */
export async function startPgBouncer(serverUrl: string, pool: { mode?: 'transaction' | 'session'; size?: number } = {}): Promise<PgBouncer> {
  // Without it, spawn's ENOENT arrived as an unhandled 'error' event that ended vitest with a stack and no advice.
  if (!existsSync(binary)) throw new Error(`PgBouncer is not installed (${binary}): apt install pgbouncer, or run bash .ci/run, which installs what the tests need`);
  const server = new URL(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), 'orc-pgbouncer-'));
  chmodSync(dir, 0o777); // PgBouncer refuses to run as root: under root it drops to the postgres user (-u)
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(server.username) || 'postgres'}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `admin_users = ${decodeURIComponent(server.username) || 'postgres'}`,
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = ${pool.mode ?? 'transaction'}`,
      // Fewer server connections than the clients' pools add up to: the point of a pooler, and what shows that no
      // client relies on keeping one server session.
      `default_pool_size = ${pool.size ?? 8}`,
      'max_client_conn = 2000',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'log_connections = 0',
      'log_disconnections = 0'
    ].join('\n') + '\n'
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `postgres://${server.username || 'postgres'}@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null || i === 100) {
      const why = stderr || String(spawnSync('cat', [join(dir, 'pgbouncer.log')]).stdout);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PgBouncer did not start: ${why}`);
    }
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => resolve(false)));
      socket.once('error', () => resolve(true)); // the port is taken: PgBouncer listens
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // immediate shutdown
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

export default async function setup(): Promise<() => Promise<void>> {
  const bouncer = await startPgBouncer(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  // Test workers are forked after this and inherit the environment.
  process.env.PGBOUNCER_URL = bouncer.url;
  return () => bouncer.stop();
}
