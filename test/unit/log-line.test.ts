// One error, one log line (shared/log-line.ts): the crash handler, the API's and the gateways' error handlers and the
// pages' hook all use it.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { errorFields } from '../../shared/log-line.ts';

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
