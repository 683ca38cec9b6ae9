// `npm run bench`: every benchmark of DESIGN §10 that exists so far, in one run, figures printed as a table.
// Needs the build (npm run build), PostgreSQL at TEST_DATABASE_URL and Chromium. Pass names to run a subset.
// `--rounds=N` sets the interleaved rounds of the ratio benchmarks, `--size=N` the applications of the state-scale
// one. `--smoke` runs each at a tiny size, two at a time (50 s in all on a quiet 2-core machine, 68–82 s with
// neighbours, 6 Dec 2026; the issue asked for under a minute), and fails when one of them broke or lost work: it is
// part of `npm test`, so a benchmark cannot rot unnoticed. Smoke figures say nothing about speed.
// `compare --against=REV` measures this checkout's tracking lookup side by side with REV's (compare.ts), and with
// `--load=submit` its submissions. It runs only
// when named: against an unchanged HEAD it would compare the code with itself, and in the smoke run its two server
// starts took the run past the minute (62–65 s against 50, 6 Dec 2026). Its parts (startServer, cpuMeter, the
// seeding) are the tracking benchmark's, which the smoke run does cover.
import { benchApprovals } from './approvals.ts';
import { benchBrowser } from './browser.ts';
import { benchCertificate } from './certificate.ts';
import { benchCompare } from './compare.ts';
import { benchLogLines } from './log-lines.ts';
import { benchPool } from './pool.ts';
import { benchSlaMis } from './sla-mis.ts';
import { benchState } from './state-scale.ts';
import { benchSubmit } from './submit.ts';
import { benchTrack } from './track.ts';
import { benchUssd } from './ussd.ts';

const all = { track: benchTrack, logs: benchLogLines, pool: benchPool, submit: benchSubmit, browser: benchBrowser, certificate: benchCertificate, approvals: benchApprovals, ussd: benchUssd, sla: benchSlaMis, state: benchState, compare: benchCompare } as const;
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const flag = (key: string) => {
  const given = args.find((a) => a.startsWith(`--${key}=`));
  return given ? Number(given.slice(key.length + 3).replace(/_/g, '')) : undefined;
};
const rounds = flag('rounds');
const size = flag('size');
const against = args.find((a) => a.startsWith('--against='))?.slice('--against='.length);
const load = args.find((a) => a.startsWith('--load='))?.slice('--load='.length);
const names = args.filter((a) => !a.startsWith('--'));
const chosen = names.length ? names : Object.keys(all).filter((name) => name !== 'compare');

/** What a run must show whatever the machine's speed: every request answered, nothing accepted lost. */
function brokenBy(result: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(result)) {
    if (/errors$/i.test(k) && v !== 0) problems.push(`${k} = ${String(v)}`);
  }
  if ('accepted' in result && result.accepted !== result.stored) problems.push(`accepted ${String(result.accepted)} but stored ${String(result.stored)}`);
  if (smoke && 'perSecond' in result && !(Number(result.perSecond) > 0)) problems.push('no submission succeeded');
  if (result.embedded100kFiguresEqual === false) problems.push('PGlite and PostgreSQL disagree');
  return problems;
}

let failed = false;
async function runOne(name: string): Promise<void> {
  const bench = all[name as keyof typeof all];
  const started = Date.now();
  const result: Record<string, unknown> = await bench({ smoke, rounds, size, against, load });
  // One block per benchmark, written at once: in a smoke run two run side by side.
  const lines = [`\n== ${String(result.name)}${smoke ? ' [smoke]' : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)`];
  for (const [k, v] of Object.entries(result)) if (k !== 'name') lines.push(`  ${k.padEnd(28)} ${String(v)}`);
  console.log(lines.join('\n'));
  const problems = brokenBy(result);
  if (problems.length) {
    failed = true;
    console.error(`  BROKEN (${name}): ${problems.join('; ')}`);
  }
}

for (const name of chosen) {
  if (!(name in all)) throw new Error(`Unknown benchmark ${name}; choose from ${Object.keys(all).join(', ')} (and --smoke)`);
}
if (smoke) {
  // Two at a time: a smoke run measures nothing, and one after another it kept one of the two cores busy on average
  // (95 s of wall time for 99 s of CPU on a 2-core machine, 6 Dec 2026; two at a time 68–82 s as its neighbours' load
  // rose). Longest first, so one lane is not left with the browser's Lighthouse run alone at the end.
  const longestFirst = ['browser', 'track', 'approvals', 'ussd', 'sla', 'submit'];
  const rank = (name: string) => (longestFirst.includes(name) ? longestFirst.indexOf(name) : longestFirst.length);
  const queue = [...chosen].sort((a, b) => rank(a) - rank(b));
  const lane = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await runOne(name);
  };
  // Both lanes run to their end, so a benchmark that throws does not leave the other's servers and databases behind.
  const lanes = await Promise.allSettled([lane(), lane()]);
  for (const settled of lanes) if (settled.status === 'rejected') throw settled.reason;
} else {
  // Full runs one after another: each measures the machine, and a neighbour would be in its figures.
  for (const name of chosen) await runOne(name);
}
if (failed) process.exit(1);
