// A private PostgreSQL cluster for tests that stop, restart or starve the database: initdb into a temporary
// directory, its own port and socket directory, so the shared server on 5432 is never touched. initdb and the
// server refuse to run as root, so as root they run as the `postgres` account.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/** PG_BIN_DIR, or the newest Debian PostgreSQL installed (CI installs whatever version Debian ships). */
function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!newest) throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: set PG_BIN_DIR.');
  return `/usr/lib/postgresql/${newest}/bin`;
}
const BIN = binDir();

export interface PrivateCluster {
  port: number;
  url: string;
  dataDir: string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  restart(mode?: 'fast' | 'immediate'): void;
  running(): boolean;
  destroy(): void;
}

function asPostgres(cmd: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  return execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * `root`: a directory to make the cluster in (the full-disk test gives a small tmpfs); `initdb` and `settings`
 * add to the defaults (smaller WAL segments and limits, there).
 */
export async function createPrivateCluster(opts: { root?: string; initdb?: string[]; settings?: string } = {}): Promise<PrivateCluster> {
  const root = opts.root ? mkdtempSync(join(opts.root, 'pg-')) : mkdtempSync(join(tmpdir(), 'orc-pgcluster-'));
  const dataDir = join(root, 'data');
  if (process.getuid?.() === 0) chownSync(root, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  asPostgres(join(BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8', ...(opts.initdb ?? [])]);
  const port = await freePort();
  // fsync off: the operating system never crashes in these tests, only the server is stopped or killed, and what
  // PostgreSQL has written survives that; it keeps restarts quick on a shared machine.
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 -c shared_buffers=16MB ${opts.settings ?? ''}`;
  const ctl = (...args: string[]) => asPostgres(join(BIN, 'pg_ctl'), ['-D', dataDir, '-w', '-t', '60', ...args]);
  const cluster: PrivateCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    start: () => void ctl('-o', options, '-l', join(root, 'server.log'), 'start'),
    stop: (mode = 'fast') => void ctl('-m', mode, 'stop'),
    restart(mode = 'fast') {
      cluster.stop(mode);
      cluster.start();
    },
    running() {
      try {
        ctl('status');
        return true;
      } catch {
        return false; // pg_ctl status exits 3 when no server runs
      }
    },
    destroy() {
      try {
        ctl('-m', 'immediate', 'stop');
      } catch {
        // not running
      }
      rmSync(root, { recursive: true, force: true });
    }
  };
  cluster.start();
  return cluster;
}
