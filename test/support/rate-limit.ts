// The public lookups' per-client limit, checked the same way for each of them.
import { expect } from 'vitest';
import type { TestServer } from './server.ts';

/**
 * The public lookups allow TRACK_REQUESTS_PER_MINUTE (30) per client: 30 answers of `status`, then 429. The window
 * is moved past before and after, so the tests around this one are not limited.
 */
export async function expectRateLimited(server: TestServer, path: string, status: number): Promise<void> {
  server.clock.advance(61_000);
  const statuses: number[] = [];
  for (let i = 0; i < 32; i++) statuses.push((await fetch(server.url + path)).status);
  expect(statuses.slice(0, 30).every((s) => s === status)).toBe(true);
  expect(statuses.at(-1)).toBe(429);
  server.clock.advance(61_000);
}
