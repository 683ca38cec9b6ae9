// `npm run bench -- compare --against=REV`: is this checkout's tracking lookup cheaper than REV's (default HEAD)?
// One server from each, on one database, take the same load in turns, and each turn's CPU per lookup is read from
// /proc. On these shared 2-core machines a single reading swings by a quarter from one minute to the next, so two
// figures taken at different times cannot show a change of 5 or 10 %; a pair of turns a few seconds apart can. The
// order inside a pair alternates, so whichever goes first, when the machine is busier or quieter, counts for both.
// REV is checked out into a temporary git worktree that uses this checkout's node_modules and build (the API does
// not read the build; server.ts only wants it present). Used for the 6 Dec figures in the README (Speed bars). Both
// servers use one database, migrated by the newer of the two: REV's migrations must be among this checkout's.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '../support/server.ts';
import { median, metered, seedApplications, startServer, trackingLoad, type BenchOptions, type BenchServer } from './support.ts';

const git = async (...args: string[]) => (await promisify(execFile)('git', args, { encoding: 'utf8' })).stdout.trim();

export async function benchCompare({ smoke = false, rounds: askedRounds, against = 'HEAD' }: BenchOptions = {}) {
  const seconds = smoke ? 1 : 5;
  const rounds = smoke ? 1 : Math.max(3, askedRounds ?? 5);
  // Fresh processes for each run: within one run the pairs share each process's own luck (where the scheduler put
  // it, what V8 compiled), and two runs of the same two checkouts gave 0.87 and 1.18 (6 Dec 2026).
  const runs = smoke ? 1 : 3;
  const commit = await git('rev-parse', '--verify', `${against}^{commit}`);
  const worktree = mkdtempSync(join(tmpdir(), 'orc-compare-'));
  await git('worktree', 'add', '--detach', worktree, commit);
  let servers: BenchServer[] = [];
  const db = await createTestDatabase();
  try {
    for (const shared of ['node_modules', 'build']) symlinkSync(resolve(shared), join(worktree, shared));
    let ains: string[] = []; // once the first server has made the tables
    const load = (server: BenchServer, duration = seconds) => trackingLoad(server.url, '/api/track/', ains, duration);
    const turn = async (server: BenchServer) => {
      const { result, serverUs } = await metered({ pid: server.pid, databaseUrl: db.url }, () => load(server));
      return { cpu: serverUs, perSecond: result.requests.average, errors: result.errors + result.non2xx };
    };

    const pairs: { ours: number; theirs: number }[] = [];
    const runMedians: string[] = [];
    let errors = 0;
    for (let run = 0; run < runs; run++) {
      const env = { TRACK_REQUESTS_PER_MINUTE: '100000000' };
      const theirs = await startServer(env, { cwd: worktree, databaseUrl: db.url });
      servers.push(theirs);
      const ours = await startServer(env, { databaseUrl: db.url });
      servers.push(ours);
      if (run === 0) ains = await seedApplications(db.url, smoke ? 1_000 : 20_000);
      // Both are warmed first: a fresh process runs its first seconds before V8 has compiled the hot path.
      if (!smoke) for (const server of [theirs, ours]) await load(server, 5);
      const inRun: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // The order inside a pair alternates, so a machine growing busier or quieter counts for both.
        const first = r % 2 === 0 ? theirs : ours;
        const a = await turn(first);
        const b = await turn(first === theirs ? ours : theirs);
        const [t, o] = first === theirs ? [a, b] : [b, a];
        errors += t.errors + o.errors;
        pairs.push({ ours: o.cpu, theirs: t.cpu });
        inRun.push(o.cpu / t.cpu);
        if (!smoke) console.log(`  compare run ${run + 1} round ${r + 1}: ${against} ${Math.round(t.cpu)} µs a lookup (${Math.round(t.perSecond)} req/s), this checkout ${Math.round(o.cpu)} µs (${Math.round(o.perSecond)} req/s)`);
      }
      runMedians.push(median(inRun).toFixed(2));
      for (const server of servers) await server.stop();
      servers = [];
    }
    return {
      name: `tracking lookup, this checkout against ${against} (${commit.slice(0, 7)}), side by side on one database, ${runs} runs of ${rounds} rounds of ${seconds} s`,
      serverCpuPerLookupUs: `${against} ${Math.round(median(pairs.map((p) => p.theirs)))}, this checkout ${Math.round(median(pairs.map((p) => p.ours)))} (medians of all rounds)`,
      thisCheckoutToRevision: `${median(pairs.map((p) => p.ours / p.theirs)).toFixed(2)} (median of all rounds; each run's median ${runMedians.join(', ')}; below 1 is cheaper)`,
      errors
    };
  } finally {
    for (const server of servers) await server.stop();
    await db.drop();
    await git('worktree', 'remove', '--force', worktree).catch(() => rmSync(worktree, { recursive: true, force: true }));
  }
}
