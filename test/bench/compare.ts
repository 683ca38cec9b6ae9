// `npm run bench -- compare --against=REV`: is this checkout's tracking lookup cheaper than REV's (default HEAD)?
// `--load=submit`: is a submission (four scans, a signature, the application; submit.ts) cheaper?
// One server from each, on one database, take the same load in turns, and each turn's CPU per request is read from
// /proc. On these shared 2-core machines a single reading swings by a quarter from one minute to the next, so two
// figures taken at different times cannot show a change of 5 or 10 %; a pair of turns a few seconds apart can. The
// order inside a pair alternates, so whichever goes first, when the machine is busier or quieter, counts for both.
// REV is checked out into a temporary git worktree that uses this checkout's node_modules and build (the API does
// not read the build; server.ts only wants it present). Each server starts with its own checkout's `npm start` flags
// (test/support/node-flags.ts), so a change of V8's flags is compared too. Used for the 6 and 7 Dec figures in the
// README. Both servers use one database, migrated by the newer of the two: REV's migrations must be among this
// checkout's.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '../support/server.ts';
import { submissionDriver } from './submit.ts';
import { median, metered, seedApplications, startServer, trackingLoad, type BenchOptions, type BenchServer } from './support.ts';

const git = async (...args: string[]) => (await promisify(execFile)('git', args, { encoding: 'utf8' })).stdout.trim();

/** One turn of a load on one server: the server's CPU per request (in the load's `cpuUnit`), requests per second, failures. */
type Turn = (label: string) => Promise<{ cpu: number; perSecond: number; errors: number }>;

interface Load {
  /** What a turn's CPU is divided by, and in what it is given. */
  unit: 'lookup' | 'submission';
  cpuUnit: 'µs' | 'ms';
  seconds: string;
  /** Ready for turns on `server`; `first` is the first server on the (then empty, migrated) database. */
  prepare(server: BenchServer, first: boolean): Promise<Turn>;
  /** Lets go of what the turns hold (the submissions' keep-alive agents) when a run's servers stop. */
  close?(): void;
}

/** Tracking lookups at 50 connections for 5 s a turn (1 s in a smoke run), over 20,000 applications seeded once. */
function trackingTurns(smoke: boolean, databaseUrl: string): Load {
  const seconds = smoke ? 1 : 5;
  let ains: string[] = [];
  return {
    unit: 'lookup',
    cpuUnit: 'µs',
    seconds: `${seconds} s`,
    async prepare(server, first) {
      if (first) ains = await seedApplications(databaseUrl, smoke ? 1_000 : 20_000);
      const load = (duration: number) => trackingLoad(server.url, '/api/track/', ains, duration);
      // A fresh process runs its first seconds before V8 has compiled the hot path.
      if (!smoke) await load(5);
      return async () => {
        const { result, serverUs } = await metered({ pid: server.pid, databaseUrl }, () => load(seconds));
        return { cpu: serverUs, perSecond: result.requests.average, errors: result.errors + result.non2xx };
      };
    }
  };
}

/** Whole submissions, four at a time, 40 a turn (2 in a smoke run), each citizen's on one server. */
function submissionTurns(smoke: boolean): Load {
  const count = smoke ? 2 : 40;
  const drivers: { close(): void }[] = [];
  return {
    unit: 'submission',
    cpuUnit: 'ms',
    seconds: `${count} submissions`,
    async prepare(server) {
      const driver = await submissionDriver(server);
      drivers.push(driver);
      const accounts = driver.cookies.slice(0, 4);
      if (!smoke) await driver.run('warm', 4, 16, accounts);
      // run() meters the server's CPU a submission itself (cpuMeter), and its keys are its server's own.
      return async (label) => {
        const turn = await driver.run(label, 4, count, accounts);
        return { cpu: turn.cpuMs.server, perSecond: turn.perSecond, errors: turn.failed };
      };
    },
    close: () => drivers.splice(0).forEach((d) => d.close())
  };
}

export async function benchCompare({ smoke = false, rounds: askedRounds, against = 'HEAD', load: loadName = 'track' }: BenchOptions = {}) {
  const rounds = smoke ? 1 : Math.max(3, askedRounds ?? 5);
  // Fresh processes for each run: within one run the pairs share each process's own luck (where the scheduler put
  // it, what V8 compiled), and two runs of the same two checkouts gave 0.87 and 1.18 (6 Dec 2026).
  const runs = smoke ? 1 : 3;
  if (loadName !== 'track' && loadName !== 'submit') throw new Error(`--load must be track or submit, not ${loadName}`);
  const commit = await git('rev-parse', '--verify', `${against}^{commit}`);
  const worktree = mkdtempSync(join(tmpdir(), 'orc-compare-'));
  await git('worktree', 'add', '--detach', worktree, commit);
  let servers: BenchServer[] = [];
  const db = await createTestDatabase();
  const load = loadName === 'track' ? trackingTurns(smoke, db.url) : submissionTurns(smoke);
  try {
    for (const shared of ['node_modules', 'build']) symlinkSync(resolve(shared), join(worktree, shared));
    const pairs: { ours: number; theirs: number }[] = [];
    const runMedians: string[] = [];
    let errors = 0;
    for (let run = 0; run < runs; run++) {
      const env = { TRACK_REQUESTS_PER_MINUTE: '100000000' };
      const theirs = await startServer(env, { cwd: worktree, databaseUrl: db.url });
      servers.push(theirs);
      const ours = await startServer(env, { databaseUrl: db.url });
      servers.push(ours);
      const turnOf = new Map<BenchServer, Turn>();
      turnOf.set(theirs, await load.prepare(theirs, run === 0));
      turnOf.set(ours, await load.prepare(ours, false));
      const inRun: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // The order inside a pair alternates, so a machine growing busier or quieter counts for both.
        const first = r % 2 === 0 ? theirs : ours;
        const second = first === theirs ? ours : theirs;
        const a = await turnOf.get(first)!(`run${run}-round${r}`);
        const b = await turnOf.get(second)!(`run${run}-round${r}`);
        const [t, o] = first === theirs ? [a, b] : [b, a];
        errors += t.errors + o.errors;
        pairs.push({ ours: o.cpu, theirs: t.cpu });
        inRun.push(o.cpu / t.cpu);
        const cpu = (x: number) => `${load.cpuUnit === 'ms' ? x.toFixed(1) : Math.round(x)} ${load.cpuUnit}`;
        const rate = (x: { perSecond: number }) => `${x.perSecond < 100 ? x.perSecond.toFixed(1) : Math.round(x.perSecond)}/s`;
        if (!smoke) console.log(`  compare run ${run + 1} round ${r + 1}: ${against} ${cpu(t.cpu)} a ${load.unit} (${rate(t)}), this checkout ${cpu(o.cpu)} (${rate(o)})`);
      }
      runMedians.push(median(inRun).toFixed(2));
      load.close?.();
      for (const server of servers) await server.stop();
      servers = [];
    }
    const figure = (x: number) => +x.toFixed(load.cpuUnit === 'ms' ? 1 : 0);
    return {
      name: `${load.unit === 'lookup' ? 'tracking lookup' : 'submission'}, this checkout against ${against} (${commit.slice(0, 7)}), side by side on one database, ${runs} runs of ${rounds} rounds of ${load.seconds}`,
      [load.unit === 'lookup' ? 'serverCpuPerLookupUs' : 'serverCpuPerSubmissionMs']: `${against} ${figure(median(pairs.map((p) => p.theirs)))}, this checkout ${figure(median(pairs.map((p) => p.ours)))} (medians of all rounds)`,
      thisCheckoutToRevision: `${median(pairs.map((p) => p.ours / p.theirs)).toFixed(2)} (median of all rounds; each run's median ${runMedians.join(', ')}; below 1 is cheaper)`,
      errors
    };
  } finally {
    load.close?.();
    for (const server of servers) await server.stop();
    await db.drop();
    await git('worktree', 'remove', '--force', worktree).catch(() => rmSync(worktree, { recursive: true, force: true }));
  }
}
