// Shared pieces of the benchmarks: a fresh PostgreSQL database, the real server in its own process, a logged-in
// cookie. Benchmarks print figures; they assert nothing about speed (DEVELOPERS.md: machines here are noisy).
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { postgresOptions } from '../../api/db/url.ts';
import { makeAin } from '../../shared/ain.ts';
import { productionNodeFlags } from '../support/node-flags.ts';
import { createTestDatabase } from '../support/server.ts';
import { freePort } from '../support/ports.ts';

export { freePort };

/** `npm run bench -- --smoke`: every benchmark at a tiny size, so `npm test` proves none of them is broken. */
export interface BenchOptions {
  smoke?: boolean;
  /** `--rounds=N`: interleaved rounds for a benchmark that measures ratios (at least 3; DESIGN §10). */
  rounds?: number;
  /** `--size=N`: the number of applications, for the benchmarks that generate them. */
  size?: number;
  /** `--against=REV`: the git revision compare.ts measures this checkout against (default HEAD). */
  against?: string;
  /** `--load=track|submit`: what compare.ts measures (default track). */
  load?: string;
}

/** The middle value (of an even count, the upper middle one). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export interface BenchServer {
  url: string;
  databaseUrl: string;
  /** The server process's pid, for its CPU time (cpuMeter). */
  pid: number;
  stop(): Promise<void>;
}

/** CPU seconds a process has used (user + system), from /proc: Linux only, like the machines that run the benchmarks. */
function cpuSeconds(pid: number): number | null {
  try {
    // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null; // gone
  }
}

/** The most memory the process has held at once (VmHWM, its resident set's high-water mark), in MiB, from /proc. */
export function peakMemoryMiB(pid: number): number {
  const peak = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!peak) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round(Number(peak[1]) / 1024);
}

/**
 * The CPU the server process and its database's PostgreSQL backends use from now until `stop`: what a request costs
 * the machine, which, unlike requests per second, hardly moves with what else runs on it. Backends are found by their
 * database name in the process title, so other databases' work on the same PostgreSQL is not counted; they are looked
 * at every 200 ms, so a backend that closes meanwhile counts what it had used by its last look.
 */
export function cpuMeter(server: Pick<BenchServer, 'pid' | 'databaseUrl'>): { stop(): { serverMs: number; postgresMs: number } } {
  const database = new URL(server.databaseUrl).pathname.slice(1);
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const others = new Set<number>();
  const look = () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (others.has(pid)) continue;
      if (!last.has(pid)) {
        let title = '';
        try {
          title = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
        } catch {
          continue;
        }
        if (pid !== server.pid && !title.includes(` ${database} `)) {
          // Not ours for good, unless it is a backend just forked that has not yet set its title.
          if (title.startsWith('postgres: ') || !title.includes('postgres')) others.add(pid);
          continue;
        }
      }
      const used = cpuSeconds(pid);
      if (used === null) continue;
      if (!first.has(pid)) first.set(pid, started ? 0 : used); // a backend opened meanwhile counts from its start
      last.set(pid, used);
    }
  };
  let started = false;
  look();
  started = true;
  const timer = setInterval(look, 200);
  return {
    stop() {
      clearInterval(timer);
      look();
      let postgres = 0;
      for (const [pid, used] of last) if (pid !== server.pid) postgres += used - first.get(pid)!;
      return { serverMs: Math.round(((last.get(server.pid) ?? 0) - (first.get(server.pid) ?? 0)) * 1000), postgresMs: Math.round(postgres * 1000) };
    }
  };
}

/**
 * Node's flags for a server the benchmark starts: BENCH_PROFILE=dir writes V8 CPU profiles of it into dir/name ("app",
 * "bare"; the largest file is the main thread's), so the app and its calibration point can be compared function by
 * function; BENCH_NODE_FLAGS adds any other V8 or Node flags, space-separated, since NODE_OPTIONS refuses most V8 ones:
 * `--trace-gc` prints the garbage collections, `--trace-incremental-marking` says why each full one started. They
 * come after production's flags (package.json's start), so they can also undo one: `--initial-old-space-size=0` is
 * V8's default. What V8 traces goes to the server's standard output, which is dropped unless BENCH_LOGS=1.
 */
export function profileFlags(name: string): string[] {
  const dir = process.env.BENCH_PROFILE;
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)];
}

/**
 * The app's server in a process of its own, on a fresh database it drops when stopped. `cwd` runs another checkout's
 * server.ts (compare.ts); `databaseUrl` puts it on an existing database, which it then leaves alone.
 */
export async function startServer(env: Record<string, string> = {}, opts: { cwd?: string; databaseUrl?: string } = {}): Promise<BenchServer> {
  const port = await freePort();
  const db = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => {} } : await createTestDatabase();
  // Its uploads and certificates: a submission benchmark leaves about 375 MB here, so it goes when the server does.
  const dataDir = mkdtempSync(join(tmpdir(), 'orc-bench-'));
  // Started as `npm start` starts it, with production's V8 flags (package.json), so the figures are production's.
  const child: ChildProcess = spawn(process.execPath, [...productionNodeFlags(opts.cwd), ...profileFlags('app'), '--import', 'tsx', 'server.ts'], {
    cwd: opts.cwd,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info', // request logs are part of the real cost; they go to /dev/null here
      // The load comes from one account, at a rate no person uploads: the per-user upload limits are not measured here.
      UPLOADS_PER_HOUR: '10000000',
      UPLOAD_UNATTACHED_MAX_FILES: '10000000',
      UPLOAD_UNATTACHED_MAX_MB: '10000000',
      ...env
    },
    stdio: ['ignore', process.env.BENCH_LOGS ? 'inherit' : 'ignore', 'inherit']
  });
  const url = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    // A server that cannot start must fail the benchmark, not let it measure a stream of refused connections.
    if (hasExited(child) || i === 120) {
      child.kill('SIGKILL');
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`The server did not start on port ${port}`);
    }
    try {
      if ((await fetch(url + '/api/health')).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    databaseUrl: db.url,
    pid: child.pid!,
    async stop() {
      await stopChild(child);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/**
 * Runs `use` against a server started by startServer(env), and stops it, dropping its database and data folder,
 * whatever happens: a run that fails must not leave them behind (nor keep the benchmark's output open).
 */
export async function withServer<T>(env: Record<string, string>, use: (server: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(env);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Ends a process the benchmark started (SIGTERM) and waits for it to go; one already gone is left be. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

export async function login(url: string, userId: string, password = 'demo-password'): Promise<string> {
  const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: userId, password }) });
  const cookie = res.headers.get('set-cookie');
  // A refused login (a throttle's 429, a 503) would otherwise surface as a TypeError far from its cause.
  if (!res.ok || !cookie) throw new Error(`login as ${userId} answered ${res.status}: ${await res.text()}`);
  return cookie.split(';')[0]!;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `count` submitted applications of the demo citizen in Barasat I, straight into the table; returns their AINs. */
export async function seedApplications(databaseUrl: string, count: number): Promise<string[]> {
  const sql = postgres(...postgresOptions(databaseUrl, { max: 2, onnotice: () => {} }));
  const ains: string[] = [];
  for (let batch = 0; batch < count / 10_000; batch++) {
    const rows = Array.from({ length: Math.min(10_000, count - batch * 10_000) }, (_, i) => makeAin(2026, '11', '002', batch * 10_000 + i + 1));
    ains.push(...rows);
    await sql`
      insert into applications (ain, status, applicant_id, filed_by, channel, office_id, applicant_name, form, submitted_at, due_at,
                                sla_started_at, step_due_at, l1_due_at, updated_at, idempotency_key, request_hash)
      select a, 'submitted', 'demo-citizen', 'demo-citizen', 'web', 'n24pgs/barasat-sadar/barasat-i', 'Bench Applicant', '{}'::jsonb, now(), now() + interval '5 days',
             now(), now() + interval '1 day', now() + interval '3 days', now(), 'bench-' || a, 'x'
      from unnest(${rows}::text[]) as a`;
  }
  await sql`analyze applications`;
  await sql.end();
  return ains;
}

/**
 * Tracking lookups at 50 connections for `seconds`, each request a different AIN of `ains` (a stride through them,
 * so consecutive requests do not read neighbouring rows): the load of track.ts and compare.ts.
 */
export function trackingLoad(url: string, prefix: string, ains: string[], seconds: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({ url, connections: 50, duration: seconds, requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}${ains[(i++ * 7919) % ains.length]}` }) }] });
}

/** `run`'s result, and the CPU one of its requests cost the process `pid` and its database's PostgreSQL, in µs. */
export async function metered(server: Pick<BenchServer, 'pid' | 'databaseUrl'>, run: () => Promise<autocannon.Result>) {
  const meter = cpuMeter(server);
  const result = await run();
  const { serverMs, postgresMs } = meter.stop();
  const perRequest = (ms: number) => (ms * 1000) / Math.max(1, result.requests.total);
  return { result, serverUs: perRequest(serverMs), postgresUs: perRequest(postgresMs) };
}
