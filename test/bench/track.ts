// DESIGN §10: GET /api/track/:ain on real PostgreSQL, 50 connections — p99 ≤ 50 ms and throughput ≥ 30 % of
// `pgbench -S` TPS measured on the same machine in the same run.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { createTestDatabase } from '../support/server.ts';
import { seedApplications, startServer } from './support.ts';

const APPLICATIONS = 100_000;

export async function benchTrack(seconds = 10) {
  const server = await startServer(4190, { TRACK_REQUESTS_PER_MINUTE: '100000000' });
  const ains = await seedApplications(server.databaseUrl, APPLICATIONS);

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
  const bare = spawn(process.execPath, ['--import', 'tsx', 'test/bench/bare-hono.ts', '4193', server.databaseUrl], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 3000));
  const bareResult = await load('http://localhost:4193', '/track/');
  bare.kill('SIGTERM');
  await new Promise((r) => bare.once('exit', r));
  await server.stop();

  const pg = await createTestDatabase();
  const name = new URL(pg.url).pathname.slice(1);
  const pgArgs = ['-h', '127.0.0.1', '-U', 'postgres'];
  execFileSync('pgbench', [...pgArgs, '-i', '-q', '-s', '10', name], { stdio: 'ignore' });
  const out = execFileSync('pgbench', [...pgArgs, '-S', '-c', '50', '-j', '2', '-T', String(seconds), name], { encoding: 'utf8' });
  await pg.drop();
  const pgbenchTps = Number(/tps = ([\d.]+)/.exec(out)![1]);

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
