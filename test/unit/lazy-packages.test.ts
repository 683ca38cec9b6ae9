// A process loads Africa's Talking's package only when it sends through it, and date-holidays only when it has a year
// of holidays to seed: 11 MB and 8 MB of V8's heap that every full collection would otherwise walk for the life of
// the process (with both, a server's heap after start was 75 MB; without, 56 MB). Each case runs in a fresh process
// (test/support/loaded-packages.ts), since this one may have loaded either package for another test.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

const loadedBy = (provider: string, years: 'fresh' | 'seeded'): string[] =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'test/support/loaded-packages.ts', provider, years], { encoding: 'utf8' })) as string[];

describe('large packages are loaded only when used', () => {
  test('the console provider, with this year and the next already seeded: neither', () => {
    expect(loadedBy('console', 'seeded')).toEqual([]);
  });

  test("Africa's Talking when it is the provider; date-holidays when a year is still to seed", () => {
    expect(loadedBy('africastalking', 'seeded')).toEqual(['africastalking']);
    expect(loadedBy('console', 'fresh')).toEqual(['date-holidays']);
  });
});
