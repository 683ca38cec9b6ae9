// `npm run bench`: every benchmark of DESIGN §10 that exists so far, in one run, figures printed as a table.
// Needs the build (npm run build), PostgreSQL at TEST_DATABASE_URL and Chromium. Pass names to run a subset.
// `--rounds=N` sets the interleaved rounds of the ratio benchmarks, `--size=N` the applications of the state-scale
// one. `--smoke` runs each at a tiny size (under a minute in all) and fails when one of them broke or lost work: it is
// part of `npm test`, so a benchmark cannot rot unnoticed. Smoke figures say nothing about speed.
import { benchApprovals } from './approvals.ts';
import { benchBrowser } from './browser.ts';
import { benchCertificate } from './certificate.ts';
import { benchLogLines } from './log-lines.ts';
import { benchPool } from './pool.ts';
import { benchSlaMis } from './sla-mis.ts';
import { benchState } from './state-scale.ts';
import { benchSubmit } from './submit.ts';
import { benchTrack } from './track.ts';
import { benchUssd } from './ussd.ts';

const all = { track: benchTrack, logs: benchLogLines, pool: benchPool, submit: benchSubmit, browser: benchBrowser, certificate: benchCertificate, approvals: benchApprovals, ussd: benchUssd, sla: benchSlaMis, state: benchState } as const;
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const flag = (key: string) => {
  const given = args.find((a) => a.startsWith(`--${key}=`));
  return given ? Number(given.slice(key.length + 3).replace(/_/g, '')) : undefined;
};
const rounds = flag('rounds');
const size = flag('size');
const names = args.filter((a) => !a.startsWith('--'));
const chosen = names.length ? names : Object.keys(all);

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
for (const name of chosen) {
  const bench = all[name as keyof typeof all];
  if (!bench) throw new Error(`Unknown benchmark ${name}; choose from ${Object.keys(all).join(', ')} (and --smoke)`);
  const started = Date.now();
  const result: Record<string, unknown> = await bench({ smoke, rounds, size });
  console.log(`\n== ${String(result.name)}${smoke ? ' [smoke]' : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  for (const [k, v] of Object.entries(result)) if (k !== 'name') console.log(`  ${k.padEnd(28)} ${String(v)}`);
  const problems = brokenBy(result);
  if (problems.length) {
    failed = true;
    console.error(`  BROKEN: ${problems.join('; ')}`);
  }
}
if (failed) process.exit(1);
