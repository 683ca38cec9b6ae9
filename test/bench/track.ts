// DESIGN §10: GET /api/track/:ain on real PostgreSQL, 50 connections — p99 ≤ 50 ms and throughput ≥ 30 % of
// `pgbench -S` TPS measured on the same machine in the same run.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { createTestDatabase } from '../support/server.ts';
import { freePort, seedApplications, startServer, type BenchOptions } from './support.ts';

export async function benchTrack({ smoke = false }: BenchOptions = {}) {
  const seconds = smoke ? 1 : 10;
  const server = await startServer({ TRACK_REQUESTS_PER_MINUTE: '100000000' });
  const ains = await seedApplications(server.databaseUrl, smoke ? 1_000 : 100_000);

  const load = (url: string, prefix: string) => {
    let i = 0;
    return autocannon({
      url,
      connections: 50,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}${ains[(i++ * 7919) % ains.length]}` }) }]
    });
  };
  const result = await load(server.url, '/api/track/');

  // The same lookup with nothing around it, to show how much of the gap to pgbench is Node and HTTP themselves.
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', 'test/bench/bare-hono.ts', String(barePort), server.databaseUrl], { stdio: 'ignore' });
  for (let i = 0; i < 60; i++) {
    const up = await fetch(`http://localhost:${barePort}/track/${ains[0]}`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const bareResult = await load(`http://localhost:${barePort}`, '/track/');
  bare.kill('SIGTERM');
  await new Promise((r) => bare.once('exit', r));
  await server.stop();

  const pg = await createTestDatabase();
  const name = new URL(pg.url).pathname.slice(1);
  const pgArgs = ['-h', '127.0.0.1', '-U', 'postgres'];
  execFileSync('pgbench', [...pgArgs, '-i', '-q', '-s', smoke ? '1' : '10', name], { stdio: 'ignore' });
  // A smoke run counts transactions instead of seconds: on a loaded machine 50 connections can take longer to open
  // than a one-second run lasts, and pgbench then reports no rate at all.
  const length = smoke ? ['-t', '20'] : ['-T', String(seconds)];
  const out = execFileSync('pgbench', [...pgArgs, '-S', '-c', '50', '-j', '2', ...length, name], { encoding: 'utf8' });
  await pg.drop();
  const tps = /tps = ([\d.]+)/.exec(out);
  if (!tps) throw new Error(`pgbench reported no rate:\n${out}`);
  const pgbenchTps = Number(tps[1]);

  return {
    name: 'track lookup (real PostgreSQL, 50 connections)',
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    pgbenchSelectTps: Math.round(pgbenchTps),
    ratioToPgbench: `${((result.requests.average / pgbenchTps) * 100).toFixed(1)} %`,
    bareHonoRequestsPerSecond: Math.round(bareResult.requests.average),
    bareHonoRatioToPgbench: `${((bareResult.requests.average / pgbenchTps) * 100).toFixed(1)} %`,
    bars: 'p99 ≤ 50 ms; ≥ 30 % of pgbench -S'
  };
}
