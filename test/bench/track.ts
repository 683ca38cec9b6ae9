// DESIGN §10: GET /api/track/:ain on real PostgreSQL, 50 connections — p99 ≤ 50 ms, throughput ≥ 30 % of
// `pgbench -S` TPS, and ≥ 80 % of the bare Hono + postgres.js lookup (bare-hono.ts), each a ratio within one run.
// The bare server makes the app's own lookup and answer; until 3 Dec 2026 it made a narrower one (four columns of
// one table), and that ratio is still printed beside (ratioToNarrowLookup), so the figures before can be compared.
//
// On these shared 2-core machines one 10 s reading swings by half, so the four are measured in interleaved rounds
// (app, floor, narrow, pgbench, app, floor, …), every round is printed, and the ratios are the medians of the
// rounds' ratios: a burst of another job's load then spoils one round rather than one side of the comparison.
// Each round also prints the CPU a lookup costs the app, the bare server and PostgreSQL (from /proc): that figure
// hardly moves with the machine's other load, so it says where the gap is when requests per second cannot.
// BENCH_PROFILE=dir writes V8 CPU profiles of both servers (dir/app, dir/bare) to compare them function by function.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { productionNodeFlags } from '../support/node-flags.ts';
import { createTestDatabase } from '../support/server.ts';
import { freePort, median, metered, peakMemoryMiB, profileFlags, seedApplications, stopChild, trackingLoad, withServer, type BenchOptions, type BenchServer } from './support.ts';

const execFileAsync = promisify(execFile);

export async function benchTrack({ smoke = false, rounds: askedRounds }: BenchOptions = {}) {
  const seconds = smoke ? 1 : 10;
  const rounds = smoke ? 1 : Math.max(3, askedRounds ?? 3);
  return withServer({ TRACK_REQUESTS_PER_MINUTE: '100000000' }, (server) => measure(server, seconds, rounds, smoke));
}

async function measure(server: BenchServer, seconds: number, rounds: number, smoke: boolean) {
  // What else the run starts (the bare server, pgbench's database), undone last first whatever happens: a failed run
  // must not leave them behind.
  const undo: (() => Promise<void>)[] = [];
  try {
    const ains = await seedApplications(server.databaseUrl, smoke ? 1_000 : 100_000);

    const load = (url: string, prefix: string, duration = seconds) => trackingLoad(url, prefix, ains, duration);

    // The same lookup with nothing around it, to show how much of the gap to pgbench is Node and HTTP themselves.
    const barePort = await freePort();
    // With production's V8 flags too (package.json's start), so the two differ only in what runs around the lookup.
    const bareServer = spawn(process.execPath, [...productionNodeFlags(), ...profileFlags('bare'), '--import', 'tsx', 'test/bench/bare-hono.ts', String(barePort), server.databaseUrl], { stdio: 'ignore' });
    undo.push(() => stopChild(bareServer));
    for (let i = 0; i < 60; i++) {
      const up = await fetch(`http://localhost:${barePort}/track/${ains[0]}`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }

    const db = await createTestDatabase();
    undo.push(() => db.drop());
    // pgbench is libpq's: it takes the database's URI as it is, so it reaches the server as the app does, by TCP or
    // (TEST_DATABASE_URL naming a socket) by the Unix socket.
    // pgbench asynchronously: a smoke run has another benchmark going in this process (run.ts).
    await execFileAsync('pgbench', ['-i', '-q', '-s', smoke ? '1' : '10', db.url]);
    const pgbench = async () => {
      // A smoke run counts transactions instead of seconds: on a loaded machine 50 connections can take longer to
      // open than a one-second run lasts, and pgbench then reports no rate at all.
      const length = smoke ? ['-t', '20'] : ['-T', String(seconds)];
      const { stdout: out } = await execFileAsync('pgbench', ['-S', '-c', '50', '-j', '2', ...length, db.url], { encoding: 'utf8' });
      const tps = /tps = ([\d.]+)/.exec(out);
      if (!tps) throw new Error(`pgbench reported no rate:\n${out}`);
      return Number(tps[1]);
    };

    // A freshly started process runs its first seconds in the interpreter, before V8 has compiled the hot path: both
    // servers are warmed first, so round one measures them as they run for the rest of the day.
    if (!smoke) {
      await load(server.url, '/api/track/', 5);
      await load(`http://localhost:${barePort}`, '/track/', 5);
      await load(`http://localhost:${barePort}`, '/narrow/', 5);
    }

    // The CPU each lookup costs the server and PostgreSQL (from /proc, metered()): unlike requests per second it hardly
    // moves with what else the machine runs, so it shows where the gap to the bare server is even on a busy machine.
    const each: Round[] = [];
    let errors = 0;
    let p50 = 0;
    for (let r = 0; r < rounds; r++) {
      const measuredApp = await metered(server, () => load(server.url, '/api/track/'));
      const measuredFloor = await metered({ pid: bareServer.pid!, databaseUrl: server.databaseUrl }, () => load(`http://localhost:${barePort}`, '/track/'));
      const [app, floor] = [measuredApp.result, measuredFloor.result];
      const cpu = { app: measuredApp.serverUs, appPg: measuredApp.postgresUs, floor: measuredFloor.serverUs, floorPg: measuredFloor.postgresUs };
      const narrow = await load(`http://localhost:${barePort}`, '/narrow/');
      const tps = await pgbench();
      errors += app.errors + app.non2xx + floor.errors + floor.non2xx + narrow.errors + narrow.non2xx;
      p50 = app.latency.p50;
      each.push({ app: app.requests.average, p99: app.latency.p99, floor: floor.requests.average, narrow: narrow.requests.average, pgbench: tps, cpu });
      if (!smoke) console.log(`  track round ${r + 1}: app ${Math.round(app.requests.average)} req/s (p99 ${app.latency.p99} ms; CPU ${Math.round(cpu.app)} µs + PostgreSQL ${Math.round(cpu.appPg)} µs a lookup), bare ${Math.round(floor.requests.average)} req/s (${Math.round(cpu.floor)} µs + ${Math.round(cpu.floorPg)} µs; narrow ${Math.round(narrow.requests.average)}), pgbench -S ${Math.round(tps)} tps → ${pct(app.requests.average, floor.requests.average)} of bare (${pct(app.requests.average, narrow.requests.average)} of narrow), ${pct(app.requests.average, tps)} of pgbench`);
    }
    const peakMemory = { app: peakMemoryMiB(server.pid), bare: peakMemoryMiB(bareServer.pid!) };

    const round = (f: (x: Round) => number) => each.map((x) => Math.round(f(x))).join(' / ');
    return {
      name: `track lookup (real PostgreSQL, 50 connections, ${rounds} interleaved rounds of ${seconds} s)`,
      requestsPerSecond: round((x) => x.app),
      p50ms: p50,
      p99ms: round((x) => x.p99),
      errors,
      bareHonoRequestsPerSecond: round((x) => x.floor),
      narrowLookupRequestsPerSecond: round((x) => x.narrow),
      pgbenchSelectTps: round((x) => x.pgbench),
      ratioToBareHono: `${pct(median(each.map((x) => x.app / x.floor)), 1)} (rounds ${each.map((x) => pct(x.app, x.floor)).join(', ')})`,
      ratioToNarrowLookup: `${pct(median(each.map((x) => x.app / x.narrow)), 1)} (rounds ${each.map((x) => pct(x.app, x.narrow)).join(', ')})`,
      ratioToPgbench: `${pct(median(each.map((x) => x.app / x.pgbench)), 1)} (rounds ${each.map((x) => pct(x.app, x.pgbench)).join(', ')})`,
      bareHonoRatioToPgbench: `${pct(median(each.map((x) => x.floor / x.pgbench)), 1)}`,
      serverCpuPerLookupUs: `app ${round((x) => x.cpu.app)}, bare ${round((x) => x.cpu.floor)}`,
      postgresCpuPerLookupUs: `app ${round((x) => x.cpu.appPg)}, bare ${round((x) => x.cpu.floorPg)}`,
      peakMemoryMiB: `app ${peakMemory.app}, bare ${peakMemory.bare}`,
      // What the throughput ratio would be if each server's own CPU were all that limited it.
      bareToAppServerCpu: pct(median(each.map((x) => x.cpu.floor / x.cpu.app)), 1),
      bars: 'p99 ≤ 50 ms; ≥ 80 % of bare Hono; ≥ 30 % of pgbench -S (medians of the rounds)'
    };
  } finally {
    for (const step of undo.reverse()) await step();
  }
}

interface Round {
  app: number;
  p99: number;
  floor: number;
  narrow: number;
  pgbench: number;
  cpu: { app: number; appPg: number; floor: number; floorPg: number };
}

function pct(a: number, b: number): string {
  return `${((a / b) * 100).toFixed(1)} %`;
}
