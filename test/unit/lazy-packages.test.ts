// A process loads Africa's Talking's package only when it sends through it, and date-holidays only when it has a year
// of holidays to seed: 11 MB and 8 MB of heap for the life of the process (with both, a server's heap after its usual
// start was 75 MB; without, 56 MB). Each case runs in a fresh process (test/support/loaded-packages.ts), since this
// one may have loaded either package for another test.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../support/loaded-packages.ts', import.meta.url));
const loadedBy = (provider: string, years: 'fresh' | 'seeded'): string[] =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script, provider, years], { cwd: root, encoding: 'utf8', timeout: 20_000 })) as string[];

describe('large packages are loaded only when used', () => {
  test('the console provider, with this year and the next already seeded: neither', () => {
    expect(loadedBy('console', 'seeded')).toEqual([]);
  });

  test("Africa's Talking when it is the provider; date-holidays when a year is still to seed", () => {
    expect(loadedBy('africastalking', 'seeded')).toEqual(['africastalking']);
    expect(loadedBy('console', 'fresh')).toEqual(['date-holidays']);
  });
});
