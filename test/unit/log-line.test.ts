// One error, one log line (shared/log-line.ts): the crash handler, the API's and the gateways' error handlers and the
// pages' hook all use it.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { createLogger } from '../../api/log.ts';
import { errorFields, isoTimeOfThisMillisecond, LineBatch } from '../../shared/log-line.ts';

test('an error becomes its message and the top eight lines of its stack, on one line', () => {
  const deep = (n: number): Error => (n === 0 ? new Error('deliberate') : deep(n - 1));
  const { error, stack } = errorFields(deep(20));
  expect(error).toBe('deliberate');
  expect(stack).not.toContain('\n');
  const parts = stack!.split(' | ');
  expect(parts).toHaveLength(8);
  expect(parts[0]).toBe('Error: deliberate');
  expect(parts[1]).toMatch(/^\s+at deep /);
});

test('a thrown value that is not an Error is logged by its text, with no stack made up for it', () => {
  expect(errorFields('a string was thrown')).toEqual({ error: 'a string was thrown', stack: undefined });
  expect(errorFields(undefined)).toEqual({ error: 'undefined', stack: undefined });
});

test('lines still in the batch are written when the process exits, also by process.exit()', () => {
  // The crash handler logs its line and exits at once (server.ts): a batch left unwritten would lose that very line.
  const script = "import { stdoutDestination } from './shared/log-line.ts'; const out = stdoutDestination(); out.write('the last line\\n'); process.exit(70);";
  const done = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(done.status).toBe(70);
  expect(done.stdout).toBe('the last line\n');
});

test("the API's lines and the pages' go through one batch, in the order they were logged", () => {
  // The pages' hook is bundled into build/ with its own copy of shared/log-line.ts (a second module instance, made
  // here by a query on the import); a line written straight to stdout comes out ahead of every batched one.
  const script = [
    "import { writeSync } from 'node:fs';",
    "import pino from 'pino';",
    "import { createLogger } from './api/log.ts';",
    "const copy = await import('./shared/log-line.ts?bundled-copy');",
    "const api = createLogger('info');",
    "const pages = pino({ ...copy.logLineOptions }, copy.stdoutDestination());",
    "api.info('first'); pages.info('second'); api.info('third');",
    "writeSync(1, 'written directly\\n');",
    'process.exit(70);'
  ].join('\n');
  const done = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(done.stderr).toBe('');
  const lines = done.stdout.trim().split('\n');
  expect(lines[0]).toBe('written directly');
  expect(lines.slice(1).map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['first', 'second', 'third']);
});

test('a batch holds lines until it has the size asked for, then hands them on as one write', () => {
  const writes: string[] = [];
  let synced = 0;
  const batch = new LineBatch({ write: (text: string) => writes.push(text), flushSync: () => void synced++ }, 100);
  const line = (n: number) => `{"n":${n},"pad":"${'x'.repeat(30)}"}\n`; // 41 characters
  batch.write(line(1));
  batch.write(line(2));
  expect(writes).toEqual([]);
  batch.write(line(3)); // 123 characters held: past 100
  expect(writes).toEqual([line(1) + line(2) + line(3)]);
  batch.write(line(4));
  let flushed = false;
  batch.flush(() => (flushed = true)); // as pino's logger.flush(cb) calls it
  expect(flushed).toBe(true);
  expect(writes).toEqual([line(1) + line(2) + line(3), line(4)]);
  batch.flush(); // nothing held: nothing written
  batch.flushSync();
  expect(writes).toHaveLength(2);
  expect(synced).toBe(1);
});

test("the time on a line is pino's ISO time, made once a millisecond", () => {
  const before = Date.now();
  const time = isoTimeOfThisMillisecond();
  const after = Date.now();
  const parsed = JSON.parse(`{"level":"info"${time}}`) as { time: string };
  expect(parsed.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(parsed.time)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(parsed.time)).toBeLessThanOrEqual(after);
});

test("a child logger's fields come before the line's own, also from a child's child; one never used writes nothing", () => {
  const lines: string[] = [];
  const log = createLogger('info', (line) => lines.push(line));
  log.child({ reqId: 'unused' }); // every request makes one; most never write through it
  const request = log.child({ reqId: 'r-1' });
  request.info('staff_created', { user: 'u-1' });
  request.child({ job: 'j-2' }).warn('retry', { attempt: 2 });
  // The access line, written by the app's logger with the id as its first field: the same line.
  log.info('request', { reqId: 'r-1', status: 200 });
  expect(lines.map((l) => Object.keys(JSON.parse(l) as object))).toEqual([
    ['level', 'time', 'reqId', 'user', 'event'],
    ['level', 'time', 'reqId', 'job', 'attempt', 'event'],
    ['level', 'time', 'reqId', 'status', 'event']
  ]);
  expect(lines.some((l) => l.includes('unused'))).toBe(false);
});
