// `npm run bench`: every benchmark of DESIGN §10 that exists so far, in one run, figures printed as a table.
// Needs the build (npm run build), PostgreSQL at TEST_DATABASE_URL and Chromium. Pass names to run a subset.
import { benchBrowser } from './browser.ts';
import { benchCertificate } from './certificate.ts';
import { benchSlaMis } from './sla-mis.ts';
import { benchSubmit } from './submit.ts';
import { benchTrack } from './track.ts';
import { benchUssd } from './ussd.ts';

const all = { track: benchTrack, submit: benchSubmit, browser: benchBrowser, certificate: benchCertificate, ussd: benchUssd, sla: benchSlaMis } as const;
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(all);

for (const name of chosen) {
  const bench = all[name as keyof typeof all];
  if (!bench) throw new Error(`Unknown benchmark ${name}; choose from ${Object.keys(all).join(', ')}`);
  const started = Date.now();
  const result = await bench();
  console.log(`\n== ${result.name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  for (const [k, v] of Object.entries(result)) if (k !== 'name') console.log(`  ${k.padEnd(28)} ${v}`);
}
