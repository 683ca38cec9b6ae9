// The Node and V8 flags the server runs with in production, read from `npm start` (package.json): the benchmarks
// start the server with them, so they measure it as it is deployed, and a test holds the systemd unit to them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `checkout`: another checkout's own flags (the compare benchmark runs an older revision's server). */
export function productionNodeFlags(checkout = fileURLToPath(new URL('../..', import.meta.url))): string[] {
  const { scripts } = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = /(?:^|&& )node ((?:--[\w-]+(?:=\S+)? )*)--import tsx server\.ts$/.exec(scripts.start ?? '');
  if (!start) throw new Error(`package.json's start script does not end in "node [flags] --import tsx server.ts": ${scripts.start}`);
  return start[1]!.split(' ').filter(Boolean);
}
