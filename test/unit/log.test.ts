// The process's log on standard output is buffered (api/log.ts): these run a real child process with its stdout on
// a pipe, as under systemd or a container runtime, and check that no line is lost or held back where it matters.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const logModule = fileURLToPath(new URL('../../api/log.ts', import.meta.url));

interface Child {
  /** Resolves with the lines written so far once `count` have arrived (rejects if the child exits first). */
  lines(count: number): Promise<Record<string, unknown>[]>;
  running(): boolean;
  /** Resolves with every line written once the child has exited. */
  exited(): Promise<Record<string, unknown>[]>;
  stop(): void;
}

/** Runs `body` in a child process with `log`, a logger to standard output at level info, in scope. */
function run(body: string): Child {
  const code = `import { createLogger } from ${JSON.stringify(logModule)}; const log = createLogger('info'); ${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let exited = false;
  const parsed = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    waiters.forEach((w) => w());
  });
  child.on('exit', () => {
    exited = true;
    waiters.forEach((w) => w());
  });
  return {
    lines: (count) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const lines = parsed();
          if (lines.length >= count) resolve(lines);
          else if (exited) reject(new Error(`the child exited after ${lines.length} of ${count} lines`));
        };
        waiters.push(check);
        check();
      }),
    running: () => !exited,
    exited: () => new Promise((resolve) => (exited ? resolve(parsed()) : child.once('close', () => resolve(parsed())))),
    stop: () => child.kill('SIGKILL')
  };
}

// The child stays alive until the test has read what it needs: a timer keeps its event loop running.
const stayAlive = 'setInterval(() => {}, 60_000);';

test('an error is written at once, with the information lines before it, while the process runs on', async () => {
  // The child then holds its event loop for 3 s (a stuck handler), so the once-a-second write cannot run: the two
  // lines arrive without it, and the line logged after the stall comes in a later write.
  const stall = 'const until = Date.now() + 3000; while (Date.now() < until);';
  const child = run(`log.info('first', { n: 1 }); log.error('second', { code: 'x' }); ${stall} log.info('after'); ${stayAlive}`);
  try {
    const lines = await child.lines(2);
    expect(lines.map((l) => [l.level, l.event])).toEqual([
      ['info', 'first'],
      ['error', 'second']
    ]);
    expect((await child.lines(3))[2]).toMatchObject({ event: 'after' });
  } finally {
    child.stop();
  }
}, 30_000);

test('a quiet process still writes its information lines (within a second), without waiting for 4 KB', async () => {
  const child = run(`log.info('alone'); ${stayAlive}`);
  try {
    const [line] = await child.lines(1);
    expect(line).toMatchObject({ level: 'info', event: 'alone' });
    expect(child.running()).toBe(true);
  } finally {
    child.stop();
  }
}, 30_000);

test('lines still in the buffer when the process exits are written, in order', async () => {
  const child = run(`for (let i = 0; i < 500; i++) log.info('line', { i }); process.exit(0);`);
  const lines = await child.exited();
  expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
}, 30_000);
