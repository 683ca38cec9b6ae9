// What one JSON log line costs the server's CPU (DESIGN §15; every API request writes one): written with a system
// call per line, as until 4 Dec 2026; batched by sonic-boom's own minLength, as until 8 Dec 2026 (it copied the whole
// batch into one flat string at every line); and batched as the server does now (shared/log-line.ts).
// Each way runs in a child process of its own whose standard output is /dev/null, as the servers' is in the other
// benchmarks, in interleaved rounds; the figure is the CPU (user + system) the logging loop used, per line.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { logLineOptions, stdoutDestination } from '../../shared/log-line.ts';
import { median, type BenchOptions } from './support.ts';

type Way = 'per-line' | 'sonic-boom-batch' | 'batched';
const ways: Way[] = ['per-line', 'sonic-boom-batch', 'batched'];

/** The child: writes `count` access lines the way named, after as many unmeasured, and prints µs per line on stderr. */
function child(way: Way, count: number): void {
  const destination =
    way === 'per-line' ? pino.destination({ dest: 1, sync: true }) : way === 'sonic-boom-batch' ? pino.destination({ dest: 1, sync: true, minLength: 4096 }) : stdoutDestination();
  // As the server writes it (api/http/middleware.ts, requestLog): the app's logger, the request's id a field.
  const log = pino(logLineOptions, destination);
  const line = () => log.info({ reqId: '6f1c2b1e-8a55-4a0e-9d1e-3b0c6a1f2e4d', method: 'GET', route: '/api/track/:ain', status: 200, ms: 1.2 }, 'request');
  for (let i = 0; i < count; i++) line(); // V8 compiles the path first
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) line();
  const used = process.cpuUsage(before);
  process.stderr.write(String((used.user + used.system) / count));
}

export async function benchLogLines({ smoke = false, rounds: askedRounds }: BenchOptions = {}) {
  const count = smoke ? 2_000 : 200_000;
  const rounds = smoke ? 1 : Math.max(3, askedRounds ?? 3);
  // Asynchronously: a smoke run has another benchmark going in this process (run.ts), which must not stop meanwhile.
  // The lines go to /dev/null (stdout ignored), the figure comes back on stderr.
  const run = async (way: Way) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/log-lines.ts', way, String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [status] = (await once(child, 'close')) as [number | null];
    const micros = Number(stderr);
    if (status !== 0 || !(micros > 0)) throw new Error(`The ${way} logging child failed (exit ${status}): ${stderr}`);
    return micros;
  };
  const each: Record<Way, number>[] = [];
  for (let r = 0; r < rounds; r++) {
    const round = {} as Record<Way, number>;
    for (const way of ways) round[way] = await run(way);
    each.push(round);
  }
  const figures = (way: Way) => each.map((x) => x[way].toFixed(2)).join(' / ');
  return {
    name: `one access log line, ${count.toLocaleString('en')} lines to /dev/null, ${rounds} interleaved rounds`,
    perLineWriteMicroseconds: figures('per-line'),
    sonicBoomBatchMicroseconds: figures('sonic-boom-batch'),
    batchedMicroseconds: figures('batched'),
    savedPerRequest: `${(median(each.map((x) => x['per-line'])) - median(each.map((x) => x.batched))).toFixed(2)} µs against a write per line, ${(median(each.map((x) => x['sonic-boom-batch'])) - median(each.map((x) => x.batched))).toFixed(2)} µs against sonic-boom's batch (medians)`
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) child(process.argv[2] as Way, Number(process.argv[3]));
